import { Command, Option } from 'commander';
import { resolveProfile } from '../openstack/cloudConfig';
import { OpenStackError, ConfigError } from '../openstack/errors';
import { Logger } from '../openstack/http';
import { Undercloud } from '../tripleo/undercloud';
import { listPlanContainers } from '../tripleo/plans';

const VERSION = '0.1.0';

interface GlobalOptions {
  osCloud?: string;
  osCacert?: string;
  insecure?: boolean;
  debug?: boolean;
}

function stderrLogger(debug: boolean): Logger {
  const w = (level: string) => (m: string) => process.stderr.write(`${level}: ${m}\n`);
  return { debug: debug ? w('debug') : () => {}, info: debug ? w('info') : () => {}, warn: w('warning'), error: w('error') };
}

function openUndercloud(opts: GlobalOptions): Undercloud {
  const profile = resolveProfile(opts.osCloud);
  if (opts.osCacert) profile.tls.caFile = opts.osCacert;
  if (opts.insecure) profile.tls.insecure = true;
  return new Undercloud(profile, { logger: stderrLogger(!!opts.debug) });
}

async function withUndercloud<T>(cmd: Command, fn: (u: Undercloud) => Promise<T>): Promise<T> {
  const u = openUndercloud(cmd.optsWithGlobals<GlobalOptions>());
  try {
    return await fn(u);
  } finally {
    u.dispose();
  }
}

export function buildProgram(): Command {
  const program = new Command('tripleo')
    .description('Deploy TripleO overclouds through Mistral: the same library as the VS Code extension.')
    .version(VERSION)
    .addOption(new Option('--os-cloud <name>', 'cloud in clouds.yaml').env('OS_CLOUD'))
    .addOption(new Option('--os-cacert <file>', 'CA bundle to verify TLS with').env('OS_CACERT'))
    .option('--insecure', 'do not verify TLS certificates')
    .option('--debug', 'log every request to stderr')
    .showHelpAfterError();

  program
    .command('whoami')
    .description('authenticate and print the user, project, token expiry and the endpoints found')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const token = await u.connect();
        const endpoints = token.catalog
          .map((s) => ({ type: s.type, url: s.endpoints.find((e) => e.interface === u.session.interface && (!u.session.region || (e.region_id ?? e.region) === u.session.region))?.url }))
          .filter((e) => e.url)
          .sort((a, b) => a.type.localeCompare(b.type));
        const info = {
          cloud: u.profile.name,
          auth_url: u.session.authUrl,
          user: token.user.name,
          user_domain: token.user.domain?.name,
          project: token.project?.name ?? null,
          project_id: token.project?.id ?? null,
          roles: token.roles,
          expires_at: token.expiresAt.toISOString(),
          endpoints: Object.fromEntries(endpoints.map((e) => [e.type, e.url])),
        };
        if (opts.json) {
          console.log(JSON.stringify(info, null, 2));
          return;
        }
        console.log(`cloud:    ${info.cloud} (${info.auth_url})`);
        console.log(`user:     ${info.user}${info.user_domain ? ` (domain ${info.user_domain})` : ''}`);
        console.log(`project:  ${info.project ?? '(not project scoped)'}${info.project_id ? ` (${info.project_id})` : ''}`);
        console.log(`roles:    ${info.roles.join(', ')}`);
        console.log(`expires:  ${info.expires_at}`);
        console.log('endpoints:');
        for (const e of endpoints) console.log(`  ${e.type.padEnd(24)} ${e.url}`);
      }),
    );

  const plan = program.command('plan').description('deployment plans');
  plan
    .command('list')
    .description('list the deployment plans')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const plans = await listPlanContainers(u.swift);
        if (opts.json) console.log(JSON.stringify(plans, null, 2));
        else if (!plans.length) console.log('no deployment plans');
        else for (const p of plans) console.log(`${p.name}\t${p.objects} files`);
      }),
    );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof OpenStackError || e instanceof ConfigError) {
      process.stderr.write(`tripleo: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => (process.exitCode = code));
}
