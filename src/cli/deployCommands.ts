import { Command } from 'commander';
import * as readline from 'node:readline/promises';
import { isResourceComplete } from '../openstack/heat';
import { deployPlan, describeFailure, followStack } from '../tripleo/deploy';
import { deployDiff, formatDeployDiff } from '../tripleo/deployDiff';
import { PlanError } from '../tripleo/errors';
import { registerStackRecoveryCommands } from './recoveryCommands';
import type { Undercloud } from '../tripleo/undercloud';
import { formatRun, runPreDeploymentValidations } from '../tripleo/validations';
import { jsonCommand, JsonOption, printJson, report, WithUndercloud } from './context';

interface DeployOptions extends JsonOption {
  timeout: number;
  skipDeployIdentifier?: boolean;
  wait?: boolean;
  diff?: boolean;
  yes?: boolean;
  validate?: boolean;
  force?: boolean;
}

/** Exit codes of `tripleo deploy` besides 0 (deployed, or --diff printed) and 1 (an error, or a failed stack); README "Exit codes". */
export const DEPLOY_NOT_CONFIRMED = 2;
export const DEPLOY_VALIDATIONS_FAILED = 3;

/** Stops the command with an exit code of its own and one line on stderr. */
function stop(code: number, message: string): false {
  process.stderr.write(`tripleo: ${message}\n`);
  process.exitCode = code;
  return false;
}

/**
 * What comes before a deploy: the diff (printed, or printed and nothing more with --diff), the
 * pre-deployment validations with --validate, and the confirmation unless --yes. False when the
 * deploy is not to go on.
 */
async function beforeDeploy(u: Undercloud, planName: string, opts: DeployOptions): Promise<boolean> {
  const diff = await deployDiff(u, planName);
  if (opts.diff) {
    report(opts, diff, () => process.stdout.write(formatDeployDiff(diff)));
    return false;
  }
  if (diff.stackStatus?.endsWith('_IN_PROGRESS')) throw new PlanError('stack-busy', `stack busy: ${planName} is ${diff.stackStatus}`);
  const say = (text: string) => !opts.json && process.stderr.write(text);
  say(formatDeployDiff(diff, { textDiffs: false }));
  if (opts.validate) {
    say('running the pre-deployment validations\n');
    const checks = await runPreDeploymentValidations(u, planName);
    for (const r of checks.group.results) say(`${formatRun(r)}\n`);
    say(`${checks.summary}\n`);
    if (checks.failed && !opts.force)
      return stop(DEPLOY_VALIDATIONS_FAILED, `not deploying ${planName}: ${checks.failed} pre-deployment validation(s) failed (--force deploys anyway)`);
  }
  if (opts.yes) return true;
  if (!process.stdin.isTTY) return stop(DEPLOY_NOT_CONFIRMED, `not deploying ${planName} without a confirmation: give --yes`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Deploy plan "${planName}"? This ${diff.stackStatus ? 'updates' : 'creates'} its Heat stack. [y/N] `);
    return /^y(es)?$/i.test(answer.trim()) || stop(DEPLOY_NOT_CONFIRMED, `not deploying ${planName}: not confirmed`);
  } finally {
    rl.close();
  }
}

/** `tripleo deploy` and `tripleo stack status|events|outputs`: a plan's Heat stack. */
export function registerDeployCommands(program: Command, withUndercloud: WithUndercloud): void {
  jsonCommand(program, 'deploy <plan>', 'deploy a plan: create its stack, or update it (refused while the stack is busy); shows what changes and asks first')
    .option('--diff', 'print what a deploy would change against the stack (files with their text diff, environments, parameters) and stop')
    .option('-y, --yes', 'deploy without asking (needed when stdin is not a terminal)')
    .option('--validate', 'run the pre-deployment validations first; a failing one stops the deploy (exit 3)')
    .option('--force', 'with --validate: deploy even when a validation failed')
    .option('--timeout <minutes>', 'Heat stack timeout in minutes', (v) => Number(v), 240)
    .option('--skip-deploy-identifier', 'do not set a new DeployIdentifier')
    .option('--wait', 'follow the stack to its end: progress, newest events, failed resources, outputs')
    .action(async (planName: string, opts: DeployOptions, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        if (!(await beforeDeploy(u, planName, opts))) return;
        const started = await deployPlan(u, planName, { timeoutMinutes: opts.timeout, skipDeployIdentifier: opts.skipDeployIdentifier });
        if (!opts.json) console.log(`${started.message} (execution ${started.executionId})`);
        if (!opts.wait) {
          if (opts.json) printJson(started);
          return;
        }
        const r = await followStack(u, planName, {
          timeoutMs: (opts.timeout + 1) * 60_000,
          onProgress: (p) =>
            !opts.json && process.stderr.write(`\r${p.status} ${p.complete}/${p.total} resources complete${p.failed ? `, ${p.failed} failed` : ''}   `),
          onEvent: (e) => !opts.json && process.stderr.write(`\n  ${e}`),
        });
        if (!opts.json) process.stderr.write('\n');
        const text = () => {
          console.log(`stack ${planName}: ${r.stack.stack_status}`);
          for (const f of r.failed) console.log(`  failed: ${f.name} (${f.type}): ${f.reason}`);
          for (const o of r.outputs) console.log(`  ${o.key}: ${JSON.stringify(o.value)}`);
        };
        report(opts, r, text, { ...started, stack_status: r.stack.stack_status, failed_resources: r.failed, outputs: r.outputs });
        if (r.stack.stack_status.endsWith('_FAILED')) throw new PlanError('deploy-failed', describeFailure(r));
      }),
    );

  const stack = program.command('stack').description("a plan's Heat stack");
  registerStackRecoveryCommands(stack, withUndercloud);
  jsonCommand(stack, 'status <plan>', 'the stack status and how many of its resources are complete').action(
    async (planName: string, opts: JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const s = await u.heat.getStack(planName);
        if (!s) throw new PlanError('no-stack', `plan "${planName}" has no stack`);
        const resources = await u.heat.listResources(`${s.stack_name}/${s.id}`, { nestedDepth: 5 });
        const complete = resources.filter(isResourceComplete).length;
        const text = () =>
          console.log(
            `${s.stack_name}: ${s.stack_status} (${complete}/${resources.length} resources complete)${s.stack_status_reason ? `\n  ${s.stack_status_reason}` : ''}`,
          );
        report(opts, s, text, { ...s, resources_complete: complete, resources_total: resources.length });
      }),
  );
  jsonCommand(stack, 'events <plan>', 'the newest events of the stack and its nested stacks')
    .option('--limit <n>', 'newest N events', (v) => Number(v), 50)
    .action(async (planName: string, opts: { limit: number } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) =>
        report(opts, (await u.heat.listEvents(planName, { nestedDepth: 3 })).slice(-opts.limit), (events) =>
          events.forEach((e) =>
            console.log(`${e.event_time} ${e.resource_name} ${e.resource_status}${e.resource_status_reason ? `: ${e.resource_status_reason}` : ''}`),
          ),
        ),
      ),
    );
  jsonCommand(stack, 'outputs <plan>', 'the outputs of the stack').action(async (planName: string, opts: JsonOption, cmd: Command) =>
    withUndercloud(cmd, async (u) => {
      const outputs = await u.heat.getOutputs(planName);
      const text = () => outputs.forEach((o) => console.log(`${o.output_key}: ${JSON.stringify(o.output_value)}`));
      report(opts, outputs, text, Object.fromEntries(outputs.map((o) => [o.output_key, o.output_value])));
    }),
  );
}
