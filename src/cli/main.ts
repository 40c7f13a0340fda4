import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { parseDocument } from 'yaml';
import { getPlanParameters, updatePlanParameters } from '../tripleo/parameters';
import { deployPlan, describeFailure, followStack } from '../tripleo/deploy';
import { executionPlan, redactStateInfo } from '../tripleo/workflows';
import { resolveProfile } from '../openstack/cloudConfig';
import { OpenStackError, ConfigError } from '../openstack/errors';
import { Logger } from '../openstack/http';
import { findEndpoint } from '../openstack/keystone';
import { Undercloud } from '../tripleo/undercloud';
import { createPlan, deletePlan, exportPlan, getPlanCapabilities, listPlanRoles, listPlans, updatePlan, updatePlanCapabilities } from '../tripleo/plans';
import { PlanError } from '../tripleo/errors';
import { installWorkbooks } from '../tripleo/workbookInstaller';
import type { UploadProgress } from '../tripleo/upload';
import { registerNodeCommands } from './nodeCommands';
import { registerValidationCommands } from './validationCommands';
import { registerLintCommand } from './lintCommand';

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
          .flatMap((s) => {
            try {
              return [{ type: s.type, url: findEndpoint([s], s.type, u.session.interface, u.session.region, u.session.authUrl) }];
            } catch {
              return [];
            }
          })
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

  const json = (v: unknown) => console.log(JSON.stringify(v, null, 2));
  const progress = (quiet?: boolean) => (p: UploadProgress) => {
    if (!quiet && process.stderr.isTTY) process.stderr.write(`\r${p.phase} ${p.done}/${p.total}   ${p.phase === 'committing' ? '\n' : ''}`);
  };

  program
    .command('workflows')
    .description('Mistral workbooks of this project')
    .command('install')
    .description('install or upgrade the workbooks in Mistral (a newer installed copy is left alone)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const r = await installWorkbooks(u.mistral);
        if (opts.json) json(r);
        else for (const w of r) console.log(`${w.name}: ${w.action}`);
      }),
    );

  const plan = program.command('plan').description('deployment plans');
  plan
    .command('list')
    .description('list the deployment plans')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const plans = await listPlans(u);
        if (opts.json) json(plans);
        else if (!plans.length) console.log('no deployment plans');
        else for (const p of plans) console.log(`${p.name}\t${p.objects} files`);
      }),
    );
  plan
    .command('create <name>')
    .description('upload a folder of templates and create a plan from it')
    .requiredOption('--templates <dir>', 'the plan folder (with capabilities-map.yaml)')
    .option('--disable-password-generation', 'do not generate passwords')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { templates: string; disablePasswordGeneration?: boolean; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const r = await createPlan(u, name, opts.templates, { generatePasswords: !opts.disablePasswordGeneration, onProgress: progress(opts.json) });
        if (opts.json) json({ status: 'SUCCESS', message: r.message, execution: r.executionId, uploaded: r.upload.uploaded.length });
        else console.log(r.message);
      }),
    );
  plan
    .command('update <name>')
    .description("replace a plan's templates with a folder's (only changed files are sent)")
    .requiredOption('--templates <dir>', 'the plan folder')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { templates: string; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const r = await updatePlan(u, name, opts.templates, { onProgress: progress(opts.json) });
        if (opts.json) json({ status: 'SUCCESS', message: r.message, uploaded: r.upload.uploaded, deleted: r.upload.deleted, dropped_environments: r.dropped });
        else console.log(`${r.message} (${r.upload.uploaded.length} files sent, ${r.upload.deleted.length} deleted, ${r.upload.unchanged} unchanged)`);
      }),
    );
  plan
    .command('delete <name>')
    .description('delete a plan (refused while its stack exists)')
    .action(async (name: string, _opts: unknown, cmd: Command) => withUndercloud(cmd, async (u) => console.log(await deletePlan(u, name))));
  plan
    .command('export <name> <dir>')
    .description('write a plan\'s files and plan-environment.yaml into a new or empty folder')
    .option('--include-passwords', 'also write the generated passwords')
    .action(async (name: string, dir: string, opts: { includePasswords?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const files = await exportPlan(u, name, dir, { includePasswords: opts.includePasswords });
        console.log(`exported ${files.length} files to ${dir}`);
      }),
    );

  const caps = program.command('capabilities').description("a plan's environment selection");
  caps
    .command('get <plan>')
    .description('topics, groups and environments, with what is enabled')
    .option('--json', 'print JSON')
    .action(async (planName: string, opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const topics = await getPlanCapabilities(u, planName);
        if (opts.json) return json(topics);
        for (const t of topics) {
          console.log(t.title);
          for (const g of t.groups) {
            console.log(`  ${g.title}${g.mutuallyExclusive ? ' (choose one)' : ''}${g.noGui ? ' [no-gui]' : ''}`);
            for (const e of g.environments) console.log(`    [${e.enabled ? 'x' : ' '}] ${e.file}  ${e.title !== e.file ? e.title : ''}${e.requires.length ? `  (requires ${e.requires.join(', ')})` : ''}`);
          }
        }
      }),
    );
  const collect = (v: string, prev: string[]) => [...prev, v];
  caps
    .command('set <plan>')
    .description('enable or disable environments (refused, changing nothing, on a conflict)')
    .option('--enable <file>', 'environment to enable (repeatable)', collect, [])
    .option('--disable <file>', 'environment to disable (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (planName: string, opts: { enable: string[]; disable: string[]; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        if (!opts.enable.length && !opts.disable.length) throw new PlanError('nothing-to-do', 'give --enable FILE or --disable FILE');
        const changes: Record<string, boolean> = {};
        for (const f of opts.enable) changes[f] = true;
        for (const f of opts.disable) changes[f] = false;
        const selected = await updatePlanCapabilities(u, planName, changes);
        if (opts.json) json({ environments: selected });
        else for (const f of selected) console.log(f);
      }),
    );

  const params = program.command('parameters').description("a plan's parameters");
  params
    .command('get <plan>')
    .description('every parameter of the plan, with type, value and where it is defined (hidden values masked)')
    .option('--json', 'print JSON')
    .option('--show-hidden', 'print NoEcho values too')
    .action(async (planName: string, opts: { json?: boolean; showHidden?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const { parameters } = await getPlanParameters(u, planName);
        const shown = parameters.map((p) => (p.noEcho && !opts.showHidden && p.value !== undefined && p.value !== '' ? { ...p, value: '******', default: p.default === '' ? '' : '******' } : p));
        if (opts.json) return json(shown);
        const w = Math.max(...shown.map((p) => p.name.length));
        for (const p of shown) console.log(`${p.name.padEnd(w)}  ${p.type.padEnd(20)} ${JSON.stringify(p.value) ?? '-'}${p.valueSource === 'plan' ? '  (set in the plan)' : ''}`);
      }),
    );
  params
    .command('set <plan> <file>')
    .description('set parameter values from a YAML or JSON file ({Name: value} or {parameter_defaults: {...}}); Heat checks them first')
    .option('--json', 'print JSON')
    .action(async (planName: string, file: string, opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const values = readParameterFile(file);
        const r = await updatePlanParameters(u, planName, values);
        if (opts.json) json({ status: 'SUCCESS', changed: r.changed });
        else console.log(r.changed.length ? `changed: ${r.changed.join(', ')}` : 'nothing changed');
      }),
    );

  program
    .command('deploy <plan>')
    .description('deploy a plan: create its stack, or update it (refused while the stack is busy)')
    .option('--timeout <minutes>', 'Heat stack timeout in minutes', (v) => Number(v), 240)
    .option('--skip-deploy-identifier', 'do not set a new DeployIdentifier')
    .option('--wait', 'follow the stack to its end: progress, newest events, failed resources, outputs')
    .option('--json', 'print JSON')
    .action(async (planName: string, opts: { timeout: number; skipDeployIdentifier?: boolean; wait?: boolean; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const started = await deployPlan(u, planName, { timeoutMinutes: opts.timeout, skipDeployIdentifier: opts.skipDeployIdentifier });
        if (!opts.json) console.log(`${started.message} (execution ${started.executionId})`);
        if (!opts.wait) {
          if (opts.json) json(started);
          return;
        }
        const r = await followStack(u, planName, {
          timeoutMs: (opts.timeout + 1) * 60_000,
          onProgress: (p) => !opts.json && process.stderr.write(`\r${p.status} ${p.complete}/${p.total} resources complete${p.failed ? `, ${p.failed} failed` : ''}   `),
          onEvent: (e) => !opts.json && process.stderr.write(`\n  ${e}`),
        });
        if (!opts.json) process.stderr.write('\n');
        if (opts.json) json({ ...started, stack_status: r.stack.stack_status, failed_resources: r.failed, outputs: r.outputs });
        else {
          console.log(`stack ${planName}: ${r.stack.stack_status}`);
          for (const f of r.failed) console.log(`  failed: ${f.name} (${f.type}): ${f.reason}`);
          for (const o of r.outputs) console.log(`  ${o.key}: ${JSON.stringify(o.value)}`);
        }
        if (r.stack.stack_status.endsWith('_FAILED')) throw new PlanError('deploy-failed', describeFailure(r));
      }),
    );

  const stack = program.command('stack').description("a plan's Heat stack");
  stack
    .command('status <plan>')
    .option('--json', 'print JSON')
    .action(async (planName: string, opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const s = await u.heat.getStack(planName);
        if (!s) throw new PlanError('no-stack', `plan "${planName}" has no stack`);
        const resources = await u.heat.listResources(`${s.stack_name}/${s.id}`, { nestedDepth: 5 });
        const complete = resources.filter((r) => r.resource_status.endsWith('_COMPLETE')).length;
        if (opts.json) json({ ...s, resources_complete: complete, resources_total: resources.length });
        else console.log(`${s.stack_name}: ${s.stack_status} (${complete}/${resources.length} resources complete)${s.stack_status_reason ? `\n  ${s.stack_status_reason}` : ''}`);
      }),
    );
  stack
    .command('events <plan>')
    .option('--limit <n>', 'newest N events', (v) => Number(v), 50)
    .option('--json', 'print JSON')
    .action(async (planName: string, opts: { limit: number; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const events = (await u.heat.listEvents(planName, { nestedDepth: 3 })).slice(-opts.limit);
        if (opts.json) return json(events);
        for (const e of events) console.log(`${e.event_time} ${e.resource_name} ${e.resource_status}${e.resource_status_reason ? `: ${e.resource_status_reason}` : ''}`);
      }),
    );
  stack
    .command('outputs <plan>')
    .option('--json', 'print JSON')
    .action(async (planName: string, opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const outputs = await u.heat.getOutputs(planName);
        if (opts.json) return json(Object.fromEntries(outputs.map((o) => [o.output_key, o.output_value])));
        for (const o of outputs) console.log(`${o.output_key}: ${JSON.stringify(o.output_value)}`);
      }),
    );

  const execution = program.command('execution').description('Mistral workflow executions');
  execution
    .command('list')
    .option('--plan <plan>', 'only executions of this plan')
    .option('--workflow <name>', 'only executions of this workflow (full name or its last part)')
    .option('--limit <n>', 'how many', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .action(async (opts: { plan?: string; workflow?: string; limit: number; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const all = await u.mistral.listExecutions({ limit: opts.plan || opts.workflow ? 500 : opts.limit });
        const rows = all
          .filter((e) => !opts.workflow || e.workflow_name === opts.workflow || e.workflow_name.endsWith(`.${opts.workflow}`))
          .filter((e) => !opts.plan || executionPlan(e) === opts.plan)
          .slice(0, opts.limit);
        if (opts.json) return json(rows);
        for (const e of rows) console.log(`${e.id}  ${e.state.padEnd(9)} ${e.created_at}  ${e.workflow_name}${executionPlan(e) ? ` (${executionPlan(e)})` : ''}`);
      }),
    );
  execution
    .command('show <id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const e = await u.mistral.getExecution(id);
        if (!e) throw new PlanError('no-execution', `execution ${id} does not exist`);
        const tasks = await u.mistral.listTasks(id);
        const shown = { ...e, state_info: e.state_info ? redactStateInfo(e.state_info) : e.state_info, tasks: tasks.map((t) => ({ name: t.name, state: t.state })) };
        if (opts.json) return json(shown);
        console.log(`${e.workflow_name} ${e.state}${shown.state_info ? `: ${shown.state_info.slice(0, 500)}` : ''}`);
        console.log(`input:  ${e.input}`);
        console.log(`output: ${redactStateInfo(e.output ?? '')}`);
        for (const t of tasks) console.log(`  ${t.state.padEnd(9)} ${t.name}`);
      }),
    );

  registerLintCommand(program);

  program
    .command('roles')
    .description('roles of a plan')
    .command('list <plan>')
    .description('roles from roles_data.yaml, else the ResourceGroups of the root template')
    .option('--json', 'print JSON')
    .action(async (planName: string, opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const roles = await listPlanRoles(u, planName);
        if (opts.json) json(roles);
        else for (const r of roles) console.log(`${r.name}${r.countDefault !== undefined ? `\t(default count ${r.countDefault})` : ''}`);
      }),
    );
  registerNodeCommands(program, withUndercloud);
  registerValidationCommands(program, withUndercloud);
  return program;
}

/** Parameter values from a file, with the file and line of a syntax error. */
function readParameterFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ConfigError(`${file}${e.linePos ? `:${e.linePos[0].line}:${e.linePos[0].col}` : ''}: ${e.message.split('\n')[0]}`);
  }
  const v = doc.toJS() as Record<string, unknown> | null;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${file}: expected a mapping of parameter names to values`);
  const values = (v.parameter_defaults ?? v) as Record<string, unknown>;
  if (typeof values !== 'object' || Array.isArray(values)) throw new ConfigError(`${file}: parameter_defaults must be a mapping`);
  return values;
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
