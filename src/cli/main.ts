import { Command, Option } from 'commander';
import { OpenStackError, ConfigError } from '../openstack/errors';
import { PlanError } from '../tripleo/errors';
import { withUndercloud } from './context';
import { registerDeployCommands } from './deployCommands';
import { registerExecutionCommands } from './executionCommands';
import { registerImageCommands } from './imageCommands';
import { registerLintCommand } from './lintCommand';
import { registerNodeCommands } from './nodeCommands';
import { registerPlanCommands } from './planCommands';
import { registerPlanDataCommands } from './planDataCommands';
import { registerValidationCommands } from './validationCommands';
import { registerWhoamiCommand } from './whoamiCommand';

const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('tripleo')
    .description('Deploy TripleO overclouds through Mistral: the same library as the VS Code extension.')
    .version(VERSION)
    .addOption(new Option('--os-cloud <name>', 'cloud in clouds.yaml').env('OS_CLOUD'))
    .addOption(new Option('--os-cacert <file>', 'CA bundle to verify TLS with').env('OS_CACERT'))
    .option('--insecure', 'do not verify TLS certificates')
    .option('--debug', 'log every request to stderr')
    .showHelpAfterError();
  registerWhoamiCommand(program, withUndercloud);
  registerPlanCommands(program, withUndercloud);
  registerPlanDataCommands(program, withUndercloud);
  registerDeployCommands(program, withUndercloud);
  registerExecutionCommands(program, withUndercloud);
  registerLintCommand(program);
  registerNodeCommands(program, withUndercloud);
  registerValidationCommands(program, withUndercloud);
  registerImageCommands(program, withUndercloud);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // a command may have set its own exit code (lint: 1 when it found errors)
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof OpenStackError || e instanceof ConfigError || e instanceof PlanError) {
      process.stderr.write(`tripleo: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => (process.exitCode = code));
}
