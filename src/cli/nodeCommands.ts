import { Command, Option } from 'commander';
import type { IronicNode } from '../openstack/ironic';
import { PlanError } from '../tripleo/errors';
import { LIMITS } from '../tripleo/limits';
import { formatNodeProblem } from '../tripleo/instackenv';
import {
  batchLabel,
  deleteNodes,
  hardwareText,
  introspectNodes,
  manageNodes,
  NodeOperationResult,
  nodeSummary,
  profileForRole,
  provideNodes,
  readNodeFile,
  registerNodes,
  resolveNodes,
  tagNodes,
} from '../tripleo/nodes';
import { jsonCommand, JsonOption, printJson, report, WithUndercloud } from './context';

function printNodeResults(nodes: NodeOperationResult['nodes']): void {
  for (const n of nodes)
    console.log(`${n.ok ? 'ok    ' : 'FAILED'}  ${n.name}${n.provisionState ? `\t${n.provisionState}` : ''}${n.message ? `\t${n.message}` : ''}`);
}

function printReport(r: NodeOperationResult, opts: JsonOption): void {
  const text = () => {
    printNodeResults(r.nodes);
    console.log(r.message);
  };
  report(opts, r, text, { ok: r.ok, message: r.message, execution: r.executionId, nodes: r.nodes });
  if (!r.ok) process.exitCode = 1;
}

function nodeRow(n: IronicNode): Record<string, unknown> {
  const s = nodeSummary(n);
  return {
    uuid: n.uuid,
    name: n.name,
    provision_state: n.provision_state,
    target_provision_state: n.target_provision_state ?? null,
    power_state: n.power_state,
    maintenance: n.maintenance,
    profile: s.profile ?? null,
    cpus: s.cpus ?? null,
    memory_mb: s.memoryMb ?? null,
    local_gb: s.diskGb ?? null,
    cpu_arch: s.arch ?? null,
    last_error: n.last_error,
  };
}

/** `tripleo node ...`: registration from an instackenv and the provisioning steps, all through Mistral. */
export function registerNodeCommands(program: Command, withUndercloud: WithUndercloud): void {
  const node = program.command('node').description('bare-metal nodes in Ironic');
  const timeout = () => new Option('--timeout <seconds>', 'how long each node may take').default(1200).argParser((v) => Number(v));

  node
    .command('import <file>')
    .description('register (or update) the nodes of an instackenv (JSON, YAML or CSV)')
    .option('--introspect', 'introspect the nodes afterwards')
    .option('--provide', 'make the nodes available afterwards')
    .option('--remove', 'delete registered nodes the file no longer lists')
    .option('--dry-run', 'check the file and say what would be created, updated and removed')
    .addOption(new Option('--instance-boot-option <option>', 'boot option of deployed instances').choices(['local', 'netboot']))
    .option('--batch-size <n>', `nodes per workflow execution: a larger file is sent in batches (default ${LIMITS.nodesPerBatch})`, (v) => Number(v))
    .addOption(timeout())
    .option('--json', 'print JSON')
    .action(
      async (
        file: string,
        opts: {
          introspect?: boolean;
          provide?: boolean;
          remove?: boolean;
          dryRun?: boolean;
          instanceBootOption?: 'local' | 'netboot';
          batchSize?: number;
          timeout: number;
          json?: boolean;
        },
        cmd: Command,
      ) =>
        withUndercloud(cmd, async (u) => {
          const parsed = await readNodeFile(file, u);
          for (const w of parsed.problems) process.stderr.write(`${formatNodeProblem(w)}\n`);
          const r = await registerNodes(u, parsed.nodes, {
            remove: opts.remove,
            dryRun: opts.dryRun,
            instanceBootOption: opts.instanceBootOption,
            introspect: opts.introspect,
            provide: opts.provide,
            timeout: opts.timeout,
            batchSize: opts.batchSize,
            onStarted: (id) => !opts.json && process.stderr.write(`execution ${id}\n`),
            onBatch: (b) => {
              if (opts.json || b.count === 1) return;
              process.stderr.write(`${batchLabel(b)}: ${b.ok ? '' : 'FAILED: '}${b.message}\n`);
            },
          });
          if (opts.json) {
            printJson({
              ok: r.ok,
              dry_run: r.dryRun,
              message: r.message,
              execution: r.executionId,
              registered: r.registered,
              updated: r.updated,
              removed: r.removed,
              batches: r.batches,
              nodes: r.nodes,
              introspection: r.introspection,
              provision: r.provision,
            });
          } else {
            const verb = r.dryRun ? ['would register', 'would update', 'would remove'] : ['registered', 'updated', 'removed'];
            // a dry run's UUIDs for new nodes are only proposals
            for (const n of r.registered) console.log(`${verb[0]}\t${n.name}${r.dryRun ? '' : `\t${n.uuid}`}`);
            for (const n of r.updated) console.log(`${verb[1]}\t${n.name}\t${n.uuid}`);
            for (const n of r.removed) console.log(`${verb[2]}\t${n.name}\t${n.uuid}`);
            for (const n of r.nodes.filter((x) => !x.ok)) console.log(`FAILED\t${n.name}\t${n.message}`);
            for (const step of [r.introspection, r.provision]) if (step) printNodeResults(step.nodes);
            console.log(r.message);
          }
          if (!r.ok) process.exitCode = 1;
        }),
    );

  jsonCommand(node, 'list', 'the nodes with their states, profile and hardware').action(async (opts: JsonOption, cmd: Command) =>
    withUndercloud(cmd, async (u) => {
      const nodes = await u.ironic.listNodes();
      if (opts.json) return printJson(nodes.map(nodeRow));
      if (!nodes.length) return console.log('no nodes registered');
      const rows = nodes.map((n) => {
        const s = nodeSummary(n);
        return [
          s.label,
          n.uuid,
          `${n.provision_state}${n.target_provision_state ? ` -> ${n.target_provision_state}` : ''}`,
          n.power_state ?? '-',
          s.profile ?? '-',
          hardwareText(s) || '-',
        ];
      });
      const head = ['NAME', 'UUID', 'PROVISION STATE', 'POWER', 'PROFILE', 'HARDWARE'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      for (const r of [head, ...rows])
        console.log(
          r
            .map((c, i) => c.padEnd(widths[i]))
            .join('  ')
            .trimEnd(),
        );
    }),
  );

  const transition = (name: string, description: string, run: typeof introspectNodes, allWhenNone: string) =>
    node
      .command(`${name} [nodes...]`)
      .description(`${description} (${allWhenNone} when no node is named)`)
      .addOption(timeout())
      .option('--concurrency <n>', 'nodes at a time', (v) => Number(v), 8)
      .option('--json', 'print JSON')
      .action(async (refs: string[], opts: { timeout: number; concurrency: number; json?: boolean }, cmd: Command) =>
        withUndercloud(cmd, async (u) => {
          const uuids = refs.length ? (await resolveNodes(u, refs)).map((n) => n.uuid) : [];
          printReport(await run(u, uuids, { timeout: opts.timeout, concurrency: opts.concurrency }), opts);
        }),
      );
  transition('introspect', 'introspect nodes and wait for their hardware facts', introspectNodes, 'every manageable node');
  transition('provide', 'make nodes available for deployment', provideNodes, 'every manageable node');
  transition('manage', 'take nodes back to manageable', manageNodes, 'every available node');

  node
    .command('delete <nodes...>')
    .description('delete nodes from Ironic (deployed ones are refused)')
    .option('--json', 'print JSON')
    .action(async (refs: string[], opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const uuids = (await resolveNodes(u, refs)).map((n) => n.uuid);
        printReport(await deleteNodes(u, uuids), opts);
      }),
    );

  node
    .command('tag <nodes...>')
    .description("tag nodes for a role (capability profile:<profile>), like the extension's Tag with Profile")
    .addOption(new Option('--profile <profile>', 'the profile, for example control or compute').conflicts('role'))
    .addOption(new Option('--role <role>', "the role (Controller, Compute, ...): its flavors' profile (Controller -> control)"))
    .option('--json', 'print JSON')
    .action(async (refs: string[], opts: { profile?: string; role?: string } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const profile = opts.role !== undefined ? profileForRole(opts.role) : opts.profile;
        if (profile === undefined) throw new PlanError('nothing-to-do', 'give --role ROLE or --profile PROFILE');
        const uuids = (await resolveNodes(u, refs)).map((n) => n.uuid);
        printReport(await tagNodes(u, uuids, profile), opts);
      }),
    );
}
