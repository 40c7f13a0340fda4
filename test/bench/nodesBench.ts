import { performance } from 'node:perf_hooks';
import { mapLimit } from '../../src/tripleo/concurrency';
import { deleteNodes, registerNodes } from '../../src/tripleo/nodes';
import type { Undercloud } from '../../src/tripleo/undercloud';
import { fakeFleet } from '../support/nodes';

export interface NodeMeasure {
  name: string;
  seconds: number;
}

const fleet = (prefix: string, count: number) => fakeFleet(count, prefix, 'bench');

/**
 * Registering `count` nodes through the workflow against the floor: the same Ironic calls made
 * directly from here, 8 at a time (create, port, manage, wait for manageable).
 */
export async function benchNodes(uc: Undercloud, count = 40): Promise<NodeMeasure[]> {
  const out: NodeMeasure[] = [];
  const stamp = Date.now().toString(36);
  const spec = fleet(`bn${stamp}`, count);
  let s = performance.now();
  const first = await registerNodes(uc, spec);
  if (!first.ok) throw new Error(first.message);
  out.push({ name: `workflow: register ${count} nodes`, seconds: (performance.now() - s) / 1000 });
  s = performance.now();
  await registerNodes(uc, spec);
  out.push({ name: `workflow: register the same ${count} again (updates)`, seconds: (performance.now() - s) / 1000 });
  s = performance.now();
  await deleteNodes(
    uc,
    first.registered.map((n) => n.uuid),
  );
  out.push({ name: `workflow: delete ${count} nodes`, seconds: (performance.now() - s) / 1000 });

  // a fleet of its own: other MACs and power addresses than the workflow's
  const direct = fleet(`bd${stamp}`, count);
  s = performance.now();
  const uuids = await mapLimit(direct, 8, async (n) => {
    const node = await uc.ironic.createNode({
      driver: n.pm_type,
      name: n.name,
      driver_info: { fake_address: n.pm_addr },
      properties: { cpus: n.cpu, memory_mb: n.memory, local_gb: n.disk, cpu_arch: n.arch },
    });
    await uc.ironic.createPort(node.uuid, n.mac[0]);
    await uc.ironic.setProvisionState(node.uuid, 'manage');
    await uc.ironic.waitForProvisionState(node.uuid, 'manageable', { intervalMs: 500 });
    return node.uuid;
  });
  out.push({ name: `floor: the same Ironic calls for ${count} nodes, 8 at a time`, seconds: (performance.now() - s) / 1000 });
  await mapLimit(uuids, 8, (u) => uc.ironic.deleteNode(u));
  return out;
}
