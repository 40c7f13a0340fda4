import { Command } from 'commander';
import { PlanError } from '../tripleo/errors';
import { formatRun, listValidations, runGroup, runValidations, stopValidation, validationResults, ValidationRun } from '../tripleo/validations';
import { collect, printJson as json, WithUndercloud } from './context';

function printRuns(runs: ValidationRun[]): void {
  for (const r of runs) console.log(formatRun(r));
}

/** `tripleo validation list|run|stop|results`: the validations of tripleo.validations.v1. */
export function registerValidationCommands(program: Command, withUndercloud: WithUndercloud): void {
  const validation = program.command('validation').description('validations of the undercloud, the nodes and a plan (Mistral workbook tripleo.validations.v1)');

  validation
    .command('list')
    .description('the validations with their groups and what they check')
    .option('--group <group>', 'only this group (prep, pre-introspection, pre-deployment, post-deployment)')
    .option('--json', 'print JSON')
    .action(async (opts: { group?: string; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const all = await listValidations(u, { group: opts.group });
        if (opts.json) return json(all);
        const w = Math.max(...all.map((v) => v.id.length));
        for (const v of all) console.log(`${v.id.padEnd(w)}  ${v.groups.join(',').padEnd(34)} ${v.name}`);
      }),
    );

  validation
    .command('run [names...]')
    .description('run validations (in parallel) or a group for a plan; exit 1 when one fails')
    .option('--group <group>', 'run every validation of this group')
    .option('--plan <plan>', 'the plan to validate (the undercloud validations need none)')
    .option('--node <node>', 'node validations: look at this node only (name or UUID, repeatable)', collect, [])
    .option('--no-wait', 'print the execution ids and return')
    .option('--json', 'print JSON')
    .action(async (names: string[], opts: { group?: string; plan?: string; node: string[]; wait: boolean; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        if (!names.length && !opts.group) throw new PlanError('nothing-to-do', 'name validations to run or give --group GROUP');
        const runs: ValidationRun[] = [];
        const groups = [];
        const started = (id: string) => !opts.json && opts.wait && process.stderr.write(`started ${id}\n`);
        if (opts.group) {
          const g = await runGroup(u, opts.group, { plan: opts.plan, wait: opts.wait, onStarted: started });
          groups.push(g);
          runs.push(...g.results);
        }
        if (names.length)
          runs.push(
            ...(await runValidations(u, names, {
              plan: opts.plan,
              wait: opts.wait,
              input: opts.node.length ? { nodes: opts.node } : undefined,
              onStarted: started,
            })),
          );
        if (opts.json) json({ groups: groups.map(({ results: _r, ...g }) => g), runs });
        else if (!opts.wait) {
          for (const g of groups) console.log(`${g.executionId}  group ${g.group}`);
          for (const r of runs) console.log(`${r.executionId}  ${r.validation}`);
        } else {
          printRuns(runs);
          for (const g of groups) console.log(g.message);
        }
        if (opts.wait && (runs.some((r) => r.result === 'fail' || r.result === 'cancelled') || groups.some((g) => g.state !== 'SUCCESS'))) process.exitCode = 1;
      }),
    );

  validation
    .command('stop <execution>')
    .description('stop a running validation or group run (its running validations stop too)')
    .action(async (id: string, _opts: unknown, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const ex = await stopValidation(u, id);
        console.log(`${ex.workflow_name.split('.').pop()} ${id}: ${ex.state}`);
      }),
    );

  validation
    .command('results [name]')
    .description('runs of the validations (or of one), newest first, with their messages')
    .option('--plan <plan>', 'only runs for this plan')
    .option('--limit <n>', 'runs per validation', (v) => Number(v), 5)
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: { plan?: string; limit: number; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const runs = await validationResults(u, { plan: opts.plan, validation: name, limit: opts.limit });
        if (opts.json) return json(runs);
        if (!runs.length) console.log('no runs');
        printRuns(runs);
      }),
    );
}
