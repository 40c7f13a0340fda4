import { Command } from 'commander';
import { flavorRow, roleFlavorStatus, syncFlavors } from '../tripleo/flavors';
import { configureNodes, tripleoImages, uploadImages } from '../tripleo/images';
import { jsonCommand, report, WithUndercloud } from './context';

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** `tripleo image ...`, `tripleo node configure`, `tripleo flavor ...`: Glance and Nova directly, as the spec says. */
export function registerImageCommands(program: Command, withUndercloud: WithUndercloud): void {
  const image = program.command('image').description('overcloud and deploy images in Glance');

  jsonCommand(image, 'upload', 'upload the overcloud image (with kernel and ramdisk) and the deploy kernel and ramdisk from a folder')
    .option('--folder <dir>', 'folder holding overcloud-full.{qcow2,vmlinuz,initrd} and ironic-python-agent.{kernel,initramfs}', '.')
    .option('--update-existing', 'replace images whose data changed (the old ones are renamed with a timestamp)')
    .action(async (opts: { folder: string; updateExisting?: boolean; json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        let shown = -1;
        const r = await uploadImages(u.glance, opts.folder, {
          updateExisting: opts.updateExisting,
          onStep: (file, step) => !opts.json && process.stderr.write(`${step} ${file}\n`),
          onProgress: (p) => {
            const pct = p.total ? Math.floor((p.totalSent * 100) / p.total) : 100;
            if (!opts.json && process.stderr.isTTY && pct !== shown) process.stderr.write(`\r${pct}% ${mib(p.totalSent)} of ${mib(p.total)}`);
            shown = pct;
          },
        });
        if (!opts.json && process.stderr.isTTY && shown >= 0) process.stderr.write('\n');
        report(opts, r, () => {
          for (const i of r.images) console.log(`${i.action.padEnd(9)} ${i.name}\t${i.id}${i.previous ? `\t(previous renamed ${i.previous.name})` : ''}`);
          console.log(`${mib(r.bytes)} uploaded`);
        });
      }),
    );

  jsonCommand(image, 'list', 'the images TripleO deploys with (newest of each name)').action(async (opts: { json?: boolean }, cmd: Command) =>
    withUndercloud(cmd, async (u) => {
      const rows = (await tripleoImages(u.glance)).map(({ spec, image: i }) => ({
        name: spec.name,
        file: spec.file,
        id: i?.id ?? null,
        status: i?.status ?? 'missing',
        size: i?.size ?? null,
        checksum: i?.checksum ?? null,
        kernel_id: (i?.kernel_id as string | undefined) ?? null,
        ramdisk_id: (i?.ramdisk_id as string | undefined) ?? null,
      }));
      report(opts, rows, () => {
        for (const r of rows) console.log(`${r.name.padEnd(24)} ${r.status.padEnd(8)} ${r.id ?? '-'}\t${r.size === null ? '' : mib(r.size)}`);
      });
      if (rows.some((r) => !r.id)) process.exitCode = 1;
    }),
  );

  const node = program.commands.find((c) => c.name() === 'node') ?? program.command('node').description('bare-metal nodes in Ironic');
  jsonCommand(node, 'configure [nodes...]', 'set the deploy kernel and ramdisk on the nodes (every manageable or available one when none is named)').action(
    async (nodes: string[], opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const r = await configureNodes(u, nodes);
        report(opts, r, () => {
          for (const n of r.nodes) console.log(`${n.action.padEnd(10)} ${n.name}${n.message ? `\t${n.message}` : ''}`);
          console.log(`deploy kernel ${r.kernel}, deploy ramdisk ${r.ramdisk}; ${r.nodes.filter((n) => n.action === 'configured').length} node(s) configured`);
        });
        if (r.nodes.some((n) => n.action === 'skipped')) process.exitCode = 1;
      }),
  );

  const flavor = program.command('flavor').description('Nova flavors, one per role of a plan');
  jsonCommand(flavor, 'sync <plan>', 'create or update one flavor per role of the plan (capabilities:profile, resources:*)').action(
    async (plan: string, opts: { json?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const r = await syncFlavors(u, plan);
        report(opts, r, () => {
          for (const f of r.flavors)
            console.log(
              `${f.action.padEnd(9)} ${f.role}\tflavor ${f.flavor}\tprofile ${f.profile}${f.changedSpecs.length ? `\t(${f.changedSpecs.join(', ')})` : ''}`,
            );
        });
      }),
  );

  jsonCommand(flavor, 'list', "Nova's flavors with their profiles; with --plan, each role's flavor and its available nodes")
    .option('--plan <plan>', 'show the roles of this plan')
    .action(async (opts: { json?: boolean; plan?: string }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        if (opts.plan) {
          const rows = await roleFlavorStatus(u, opts.plan);
          report(opts, rows, () => {
            for (const r of rows)
              console.log(
                `${r.role.padEnd(16)} ${r.flavor.padEnd(16)} profile ${(r.flavorProfile ?? r.profile).padEnd(14)} ${r.exists ? '' : '(no such flavor) '}${r.availableNodes} available node(s), count ${r.count}`,
              );
          });
          return;
        }
        const rows = (await u.nova.listFlavors()).map(flavorRow);
        report(opts, rows, () => {
          for (const r of rows) console.log(`${r.name.padEnd(20)} ${(r.profile ?? '-').padEnd(16)} ${r.ram} MB ${r.vcpus} vCPU ${r.disk} GB\t${r.id}`);
        });
      }),
    );
}
