import { Command } from 'commander';
import { isResourceComplete } from '../openstack/heat';
import { deployPlan, describeFailure, followStack } from '../tripleo/deploy';
import { PlanError } from '../tripleo/errors';
import { registerStackRecoveryCommands } from './recoveryCommands';
import { jsonCommand, JsonOption, printJson, report, WithUndercloud } from './context';

interface DeployOptions extends JsonOption {
  timeout: number;
  skipDeployIdentifier?: boolean;
  wait?: boolean;
}

/** `tripleo deploy` and `tripleo stack status|events|outputs`: a plan's Heat stack. */
export function registerDeployCommands(program: Command, withUndercloud: WithUndercloud): void {
  jsonCommand(program, 'deploy <plan>', 'deploy a plan: create its stack, or update it (refused while the stack is busy)')
    .option('--timeout <minutes>', 'Heat stack timeout in minutes', (v) => Number(v), 240)
    .option('--skip-deploy-identifier', 'do not set a new DeployIdentifier')
    .option('--wait', 'follow the stack to its end: progress, newest events, failed resources, outputs')
    .action(async (planName: string, opts: DeployOptions, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const started = await deployPlan(u, planName, { timeoutMinutes: opts.timeout, skipDeployIdentifier: opts.skipDeployIdentifier });
        if (!opts.json) console.log(`${started.message} (execution ${started.executionId})`);
        if (!opts.wait) {
          if (opts.json) printJson(started);
          return;
        }
        const r = await followStack(u, planName, {
          timeoutMs: (opts.timeout + 1) * 60_000,
          onProgress: (p) => !opts.json && process.stderr.write(`\r${p.status} ${p.complete}/${p.total} resources complete${p.failed ? `, ${p.failed} failed` : ''}   `),
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
  jsonCommand(stack, 'status <plan>', 'the stack status and how many of its resources are complete').action(async (planName: string, opts: JsonOption, cmd: Command) =>
    withUndercloud(cmd, async (u) => {
      const s = await u.heat.getStack(planName);
      if (!s) throw new PlanError('no-stack', `plan "${planName}" has no stack`);
      const resources = await u.heat.listResources(`${s.stack_name}/${s.id}`, { nestedDepth: 5 });
      const complete = resources.filter(isResourceComplete).length;
      const text = () => console.log(`${s.stack_name}: ${s.stack_status} (${complete}/${resources.length} resources complete)${s.stack_status_reason ? `\n  ${s.stack_status_reason}` : ''}`);
      report(opts, s, text, { ...s, resources_complete: complete, resources_total: resources.length });
    }),
  );
  jsonCommand(stack, 'events <plan>', 'the newest events of the stack and its nested stacks')
    .option('--limit <n>', 'newest N events', (v) => Number(v), 50)
    .action(async (planName: string, opts: { limit: number } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) =>
        report(opts, (await u.heat.listEvents(planName, { nestedDepth: 3 })).slice(-opts.limit), (events) =>
          events.forEach((e) => console.log(`${e.event_time} ${e.resource_name} ${e.resource_status}${e.resource_status_reason ? `: ${e.resource_status_reason}` : ''}`)),
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
