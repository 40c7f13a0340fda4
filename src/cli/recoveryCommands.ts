import * as readline from 'node:readline/promises';
import { Command } from 'commander';
import { PlanError } from '../tripleo/errors';
import { cancelExecution, cancelStack, deleteStack } from '../tripleo/recovery';
import { jsonCommand, JsonOption, report, WithUndercloud } from './context';

/** Asks the user to type `expected` unless --yes was given; without a terminal, --yes is required. */
async function confirm(what: string, expected: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new PlanError('confirmation-needed', `${what}: add --yes to confirm (no terminal to ask on)`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${what}. Type "${expected}" to confirm: `);
    if (answer.trim() !== expected) throw new PlanError('not-confirmed', 'not confirmed: nothing was changed');
  } finally {
    rl.close();
  }
}

/** `tripleo stack cancel|delete`: the way out of a stack a killed Heat left in progress. */
export function registerStackRecoveryCommands(stack: Command, withUndercloud: WithUndercloud): void {
  jsonCommand(stack, 'cancel <plan>', 'stop what the stack is doing (an update is rolled back, a create ends CREATE_FAILED)')
    .option('--yes', 'do not ask for confirmation')
    .action(async (plan: string, opts: { yes?: boolean } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        await confirm(`cancel what stack ${plan} is doing`, plan, opts.yes);
        const was = await cancelStack(u, plan);
        report(opts, { plan, was }, () => console.log(`stack ${plan}: cancel requested (it was ${was}); tripleo stack status ${plan} follows it`));
      }),
    );
  jsonCommand(stack, 'delete <plan>', "delete the plan's stack and wait until it is gone (the plan stays)")
    .option('--yes', 'do not ask for confirmation')
    .action(async (plan: string, opts: { yes?: boolean } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        await confirm(`delete stack ${plan} and every server it deployed`, plan, opts.yes);
        const r = await deleteStack(u, plan, { onProgress: (s) => !opts.json && process.stderr.write(`\r${s}   `) });
        if (!opts.json && r === 'deleted') process.stderr.write('\n');
        report(opts, { plan, result: r }, () => console.log(r === 'deleted' ? `stack ${plan} deleted` : `plan "${plan}" has no stack`));
      }),
    );
}

/** `tripleo execution cancel`: the way out of an execution a killed Mistral left RUNNING. */
export function registerExecutionCancelCommand(execution: Command, withUndercloud: WithUndercloud): void {
  jsonCommand(execution, 'cancel <id>', 'cancel a running or paused execution').action(async (id: string, opts: JsonOption, cmd: Command) =>
    withUndercloud(cmd, async (u) => {
      const ex = await cancelExecution(u, id);
      report(opts, ex, () => console.log(`execution ${id} (${ex.workflow_name}): ${ex.state}`));
    }),
  );
}
