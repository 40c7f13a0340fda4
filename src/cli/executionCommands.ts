import { Command } from 'commander';
import { PlanError } from '../tripleo/errors';
import { executionPlan } from '../tripleo/workflows';
import { redactValue } from '../openstack/redact';
import { registerExecutionCancelCommand } from './recoveryCommands';
import { jsonCommand, JsonOption, report, WithUndercloud } from './context';

/** `tripleo execution list|show`: Mistral workflow executions. */
export function registerExecutionCommands(program: Command, withUndercloud: WithUndercloud): void {
  const execution = program.command('execution').description('Mistral workflow executions');
  registerExecutionCancelCommand(execution, withUndercloud);
  jsonCommand(execution, 'list', 'executions, newest first')
    .option('--plan <plan>', 'only executions of this plan')
    .option('--workflow <name>', 'only executions of this workflow (full name or its last part)')
    .option('--limit <n>', 'how many', (v) => Number(v), 20)
    .action(async (opts: { plan?: string; workflow?: string; limit: number } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const all = await u.mistral.listExecutions({ limit: opts.plan || opts.workflow ? 500 : opts.limit });
        const rows = all
          .filter((e) => !opts.workflow || e.workflow_name === opts.workflow || e.workflow_name.endsWith(`.${opts.workflow}`))
          .filter((e) => !opts.plan || executionPlan(e) === opts.plan)
          .slice(0, opts.limit);
        report(opts, redactValue(rows) as typeof rows, () =>
          rows.forEach((e) =>
            console.log(`${e.id}  ${e.state.padEnd(9)} ${e.created_at}  ${e.workflow_name}${executionPlan(e) ? ` (${executionPlan(e)})` : ''}`),
          ),
        );
      }),
    );
  jsonCommand(execution, 'show <id>', 'an execution with its tasks (secrets in its messages masked)').action(
    async (id: string, opts: JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const e = await u.mistral.getExecution(id);
        if (!e) throw new PlanError('no-execution', `execution ${id} does not exist`);
        const tasks = await u.mistral.listTasks(id);
        // Mistral keeps inputs as given: a node registration's input holds every pm_password
        const shown = redactValue({ ...e, tasks: tasks.map((t) => ({ name: t.name, state: t.state })) }) as typeof e & {
          tasks: { name: string; state: string }[];
        };
        report(opts, shown, () => {
          console.log(`${e.workflow_name} ${e.state}${shown.state_info ? `: ${shown.state_info.slice(0, 500)}` : ''}`);
          console.log(`input:  ${shown.input ?? ''}`);
          console.log(`output: ${shown.output ?? ''}`);
          for (const t of tasks) console.log(`  ${t.state.padEnd(9)} ${t.name}`);
        });
      }),
  );
}
