import * as assert from 'node:assert/strict';
import { HttpError, OpenStackError } from '../../src/openstack/errors';
import { Undercloud } from '../../src/tripleo/undercloud';
import { simulateRamdisk, uniqueName, undercloudProfile, waitForInspectorWaiting } from '../support/undercloud';

const randomMac = () =>
  `52:54:00:${[0, 0, 0]
    .map(() =>
      Math.floor(Math.random() * 256)
        .toString(16)
        .padStart(2, '0'),
    )
    .join(':')}`;

describe('Ironic and ironic-inspector against the real undercloud (fake-hardware)', function () {
  this.timeout(180_000);
  let uc: Undercloud;
  const nodes: string[] = [];

  before(() => {
    uc = new Undercloud(undercloudProfile());
  });
  after(async () => {
    for (const n of nodes) {
      const node = await uc.ironic.getNode(n).catch(() => undefined);
      if (node && ['available', 'active'].includes(node.provision_state)) {
        await uc.ironic.setProvisionState(n, 'manage').catch(() => undefined);
        await uc.ironic.waitForProvisionState(n, 'manageable', { timeoutMs: 30_000 }).catch(() => undefined);
      }
      await uc.ironic.deleteNode(n).catch(() => undefined);
    }
    uc.dispose();
  });

  it('registers a node with a port and takes it enroll -> manageable -> (inspect) -> available, powering it on and off', async () => {
    const name = uniqueName('node');
    const mac = randomMac();
    const node = await uc.ironic.createNode({
      driver: 'fake-hardware',
      name,
      driver_info: { deploy_kernel: 'k', deploy_ramdisk: 'r' },
      properties: { cpus: 4, memory_mb: 8192, local_gb: 40, cpu_arch: 'x86_64' },
    });
    nodes.push(node.uuid);
    assert.equal(node.provision_state, 'enroll');
    const port = await uc.ironic.createPort(node.uuid, mac);
    assert.equal(port.address, mac);
    assert.deepEqual(
      (await uc.ironic.listPorts({ node: node.uuid })).map((p) => p.address),
      [mac],
    );
    assert.deepEqual(
      (await uc.ironic.listPorts({ address: mac })).map((p) => p.node_uuid),
      [node.uuid],
    );

    await uc.ironic.setProvisionState(name, 'manage');
    assert.equal((await uc.ironic.waitForProvisionState(name, 'manageable', { timeoutMs: 60_000 })).provision_state, 'manageable');
    await uc.ironic.setProvisionState(name, 'inspect');
    await uc.ironic.waitForProvisionState(name, 'manageable', { timeoutMs: 60_000 });
    await uc.ironic.setProvisionState(name, 'provide');
    assert.equal((await uc.ironic.waitForProvisionState(name, 'available', { timeoutMs: 60_000 })).provision_state, 'available');

    await uc.ironic.setPowerState(name, 'power on');
    assert.equal((await uc.ironic.waitForPowerState(name, 'power on', { timeoutMs: 30_000 })).power_state, 'power on');
    await uc.ironic.setPowerState(name, 'power off');
    assert.equal((await uc.ironic.waitForPowerState(name, 'power off', { timeoutMs: 30_000 })).power_state, 'power off');

    const patched = await uc.ironic.updateNode(name, [{ op: 'add', path: '/properties/capabilities', value: 'profile:control,boot_option:local' }]);
    assert.equal(patched.properties.capabilities, 'profile:control,boot_option:local');
    assert.ok((await uc.ironic.listNodes()).some((n) => n.uuid === node.uuid));
  });

  it("surfaces Ironic's refusals: a wrong state change, a duplicate MAC", async () => {
    const node = await uc.ironic.createNode({ driver: 'fake-hardware', name: uniqueName('node') });
    nodes.push(node.uuid);
    await assert.rejects(
      uc.ironic.setProvisionState(node.uuid, 'provide'),
      (e: Error) => e instanceof HttpError && e.status === 400 && /provide|enroll/i.test(e.serviceMessage),
    );
    const mac = randomMac();
    await uc.ironic.createPort(node.uuid, mac);
    await assert.rejects(uc.ironic.createPort(node.uuid, mac), (e: Error) => e instanceof HttpError && e.status === 409 && e.serviceMessage.includes(mac));
    assert.equal(await uc.ironic.getNode(uniqueName('missing')), undefined);
  });

  it('introspects a node through ironic-inspector, the ramdisk callback simulated, and reads the data', async () => {
    const name = uniqueName('insp');
    const mac = randomMac();
    const node = await uc.ironic.createNode({ driver: 'fake-hardware', name, inspect_interface: 'inspector' });
    nodes.push(node.uuid);
    await uc.ironic.createPort(node.uuid, mac);
    await uc.ironic.setProvisionState(node.uuid, 'manage');
    await uc.ironic.waitForProvisionState(node.uuid, 'manageable', { timeoutMs: 60_000 });
    await uc.inspector.start(node.uuid);
    await waitForInspectorWaiting(uc, node.uuid);
    assert.equal((await uc.inspector.status(node.uuid))?.state, 'waiting');
    await simulateRamdisk(uc, mac, { cpus: 8, memoryMb: 16384, diskBytes: 107374182400 });
    const s = await uc.inspector.waitForIntrospection(node.uuid, { timeoutMs: 60_000, intervalMs: 500 });
    assert.equal(s.finished, true);
    assert.equal(s.error, null);
    const data = await uc.inspector.data(node.uuid);
    assert.equal((data.inventory as { cpu: { count: number } }).cpu.count, 8);
    assert.ok((await uc.inspector.list()).some((x) => x.uuid === node.uuid));
    const after = await uc.ironic.waitForProvisionState(node.uuid, 'manageable', { timeoutMs: 60_000 });
    assert.equal(Number(after.properties.cpus), 8);
    assert.equal(Number(after.properties.memory_mb), 16384);
  });

  it('fails a wait clearly when the node ends in a failed state', async () => {
    const node = await uc.ironic.createNode({ driver: 'fake-hardware', name: uniqueName('fail') });
    nodes.push(node.uuid);
    await assert.rejects(
      uc.ironic.waitForProvisionState(node.uuid, 'available', { timeoutMs: 1500, intervalMs: 300 }),
      (e: Error) => e instanceof OpenStackError && /timed out/.test(e.message),
    );
  });
});
