import { Command } from 'commander';
import * as fs from 'node:fs';
import { heatValue, parseHeatYaml } from '../tripleo/heatYaml';
import { ConfigError } from '../openstack/errors';
import { PlanError } from '../tripleo/errors';
import { getPlanParameters, updatePlanParameters } from '../tripleo/parameters';
import { getPlanCapabilities, listPlanRoles, updatePlanCapabilities } from '../tripleo/plans';
import { collect, jsonCommand, JsonOption, report, WithUndercloud } from './context';
import { MASK } from '../openstack/redact';

/** Parameter values from a file, with the file and line of a syntax error. */
function readParameterFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const { doc, errors } = parseHeatYaml(text);
  if (errors.length) throw new ConfigError(`${file}:${errors[0].line}:${errors[0].col}: ${errors[0].message}`);
  const v = heatValue(doc.contents, doc) as Record<string, unknown> | null;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${file}: expected a mapping of parameter names to values`);
  const values = (v.parameter_defaults ?? v) as Record<string, unknown>;
  if (typeof values !== 'object' || Array.isArray(values)) throw new ConfigError(`${file}: parameter_defaults must be a mapping`);
  return values;
}

/** `tripleo capabilities get|set`, `tripleo parameters get|set` and `tripleo roles list`: what a plan holds. */
export function registerPlanDataCommands(program: Command, withUndercloud: WithUndercloud): void {
  const caps = program.command('capabilities').description("a plan's environment selection");
  jsonCommand(caps, 'get <plan>', 'topics, groups and environments, with what is enabled').action(async (planName: string, opts: JsonOption, cmd: Command) =>
    withUndercloud(cmd, async (u) =>
      report(opts, await getPlanCapabilities(u, planName), (topics) => {
        for (const t of topics) {
          console.log(t.title);
          for (const g of t.groups) {
            console.log(`  ${g.title}${g.mutuallyExclusive ? ' (choose one)' : ''}${g.noGui ? ' [no-gui]' : ''}`);
            for (const e of g.environments)
              console.log(
                `    [${e.enabled ? 'x' : ' '}] ${e.file}  ${e.title !== e.file ? e.title : ''}${e.requires.length ? `  (requires ${e.requires.join(', ')})` : ''}`,
              );
          }
        }
      }),
    ),
  );
  jsonCommand(caps, 'set <plan>', 'enable or disable environments (refused, changing nothing, on a conflict)')
    .option('--enable <file>', 'environment to enable (repeatable)', collect, [])
    .option('--disable <file>', 'environment to disable (repeatable)', collect, [])
    .action(async (planName: string, opts: { enable: string[]; disable: string[] } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        if (!opts.enable.length && !opts.disable.length) throw new PlanError('nothing-to-do', 'give --enable FILE or --disable FILE');
        const changes: Record<string, boolean> = {};
        for (const f of opts.enable) changes[f] = true;
        for (const f of opts.disable) changes[f] = false;
        const selected = await updatePlanCapabilities(u, planName, changes);
        report(opts, selected, () => selected.forEach((f) => console.log(f)), { environments: selected });
      }),
    );

  const params = program.command('parameters').description("a plan's parameters");
  jsonCommand(params, 'get <plan>', 'every parameter of the plan, with type, value and where it is defined (hidden values masked)')
    .option('--show-hidden', 'print NoEcho values too')
    .action(async (planName: string, opts: { showHidden?: boolean } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const { parameters } = await getPlanParameters(u, planName);
        const shown = parameters.map((p) =>
          p.noEcho && !opts.showHidden && p.value !== undefined && p.value !== '' ? { ...p, value: MASK, default: p.default === '' ? '' : MASK } : p,
        );
        report(opts, shown, () => {
          const w = Math.max(...shown.map((p) => p.name.length));
          for (const p of shown)
            console.log(`${p.name.padEnd(w)}  ${p.type.padEnd(20)} ${JSON.stringify(p.value) ?? '-'}${p.valueSource === 'plan' ? '  (set in the plan)' : ''}`);
        });
      }),
    );
  jsonCommand(
    params,
    'set <plan> <file>',
    'set parameter values from a YAML or JSON file ({Name: value} or {parameter_defaults: {...}}); Heat checks them first',
  ).action(async (planName: string, file: string, opts: JsonOption, cmd: Command) =>
    withUndercloud(cmd, async (u) => {
      const r = await updatePlanParameters(u, planName, readParameterFile(file));
      report(opts, r, () => console.log(r.changed.length ? `changed: ${r.changed.join(', ')}` : 'nothing changed'), { status: 'SUCCESS', changed: r.changed });
    }),
  );

  jsonCommand(
    program.command('roles').description('roles of a plan'),
    'list <plan>',
    'roles from roles_data.yaml, else the ResourceGroups of the root template',
  ).action(async (planName: string, opts: JsonOption, cmd: Command) =>
    withUndercloud(cmd, async (u) =>
      report(opts, await listPlanRoles(u, planName), (roles) =>
        roles.forEach((r) => console.log(`${r.name}${r.countDefault !== undefined ? `\t(default count ${r.countDefault})` : ''}`)),
      ),
    ),
  );
}
