import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PlanError } from '../../src/tripleo/errors';
import type { NodeSpec } from '../../src/tripleo/instackenv';
import { deleteNodes, introspectNodes, manageNodes, nodeCapabilities, provideNodes, readNodeFile, registerNodes, tagNodes } from '../../src/tripleo/nodes';
import { Undercloud } from '../../src/tripleo/undercloud';
import { redactText } from '../../src/openstack/redact';
import { fakeFleet } from '../support/nodes';
import { simulateRamdisk, tripleoCli, uniqueName, undercloudProfile, waitForInspectorWaiting } from '../support/undercloud';

const fleet = (count: number) => fakeFleet(count, uniqueName('bm'));

describe('bare-metal nodes through tripleo.baremetal.v1 on the real Ironic', function () {
  this.timeout(300_000);
  let uc: Undercloud;
  let dir: string;
  const ours = new Set<string>();

  const write = (name: string, nodes: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({ nodes }, null, 2));
    return file;
  };
  const registered = async (spec: NodeSpec[]) => {
    const macs = new Set(spec.flatMap((n) => n.mac));
    const ports = (await uc.ironic.listPorts()).filter((p) => macs.has(p.address));
    return Promise.all(ports.map((p) => uc.ironic.getNode(p.node_uuid)));
  };

  before(() => {
    uc = new Undercloud(undercloudProfile());
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-nodes-'));
  });
  after(async () => {
    for (const id of ours) {
      const n = await uc.ironic.getNode(id).catch(() => undefined);
      if (n?.provision_state === 'available') await manageNodes(uc, [id]).catch(() => undefined);
      await uc.ironic.deleteNode(id).catch(() => undefined);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    uc.dispose();
  });

  it('a dry run says what would be registered and changes nothing', async () => {
    const spec = fleet(2);
    const r = await registerNodes(uc, spec, { dryRun: true });
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.registered.map((n) => n.name),
      spec.map((n) => n.name),
    );
    assert.deepEqual([r.updated, r.removed], [[], []]);
    assert.match(r.message, /^dry run: would register 2, update 0 and remove 0 nodes$/);
    assert.deepEqual(await registered(spec), []);
  });

  it('registers, re-registers in place (no duplicates, matched by MAC even when renamed), then removes what the file dropped', async () => {
    const spec = fleet(3);
    const file = write('instackenv.json', spec);
    const parsed = await readNodeFile(file, uc);
    const first = await registerNodes(uc, parsed.nodes);
    for (const n of first.registered) ours.add(n.uuid);
    assert.equal(first.ok, true, first.message);
    assert.deepEqual(
      first.nodes.map((n) => [n.name, n.provisionState, n.ok]),
      spec.map((n) => [n.name, 'manageable', true]),
    );
    const nodes = await registered(spec);
    assert.equal(nodes.length, 3);
    for (const n of nodes) {
      assert.equal(n!.provision_state, 'manageable');
      assert.equal(n!.properties.memory_mb, 8192);
      // Ironic keeps the password and never shows it
      assert.equal(n!.driver_info.fake_password, '******');
    }

    const changed = spec.map((n, i) => (i === 0 ? { ...n, name: `${n.name}-renamed`, memory: 16384 } : n));
    const second = await registerNodes(uc, changed);
    assert.equal(second.ok, true, second.message);
    assert.deepEqual(second.registered, []);
    assert.deepEqual(second.updated.map((n) => n.uuid).sort(), first.registered.map((n) => n.uuid).sort());
    const after = await registered(spec);
    assert.equal(after.length, 3, 'still one node per MAC');
    const renamed = after.find((n) => n!.uuid === first.registered[0].uuid)!;
    assert.equal(renamed.name, `${spec[0].name}-renamed`);
    assert.equal(renamed.properties.memory_mb, 16384);

    const dry = await registerNodes(uc, changed.slice(0, 2), { remove: true, dryRun: true });
    assert.ok(dry.removed.some((n) => n.uuid === first.registered[2].uuid));
    assert.ok(await uc.ironic.getNode(first.registered[2].uuid), 'a dry run removes nothing');
    const third = await registerNodes(uc, changed.slice(0, 2), { remove: true });
    assert.equal(third.ok, true, third.message);
    assert.ok(third.removed.some((n) => n.uuid === first.registered[2].uuid));
    assert.equal(await uc.ironic.getNode(first.registered[2].uuid), undefined);
    assert.equal((await registered(spec)).length, 2);
  });

  it('introspects (fake inspect interface), provides, tags and deletes, reporting every node', async () => {
    const spec = fleet(2);
    const r = await registerNodes(uc, spec, { introspect: true, provide: true });
    for (const n of r.registered) ours.add(n.uuid);
    assert.equal(r.ok, true, r.message);
    assert.deepEqual(
      r.introspection?.nodes.map((n) => n.provisionState),
      ['manageable', 'manageable'],
    );
    assert.deepEqual(
      r.provision?.nodes.map((n) => n.provisionState),
      ['available', 'available'],
    );
    const uuids = r.registered.map((n) => n.uuid);

    // introspection needs manageable nodes: Ironic's refusal is reported per node
    const refused = await introspectNodes(uc, uuids);
    assert.equal(refused.ok, false);
    assert.match(refused.nodes[0].message, /can not be performed on node .* while it is in state "available"/);

    const tagged = await tagNodes(uc, uuids, 'compute');
    assert.equal(tagged.ok, true, tagged.message);
    for (const id of uuids) assert.equal(nodeCapabilities((await uc.ironic.getNode(id))!).profile, 'compute');
    await tagNodes(uc, [uuids[0]], 'control');
    assert.equal(nodeCapabilities((await uc.ironic.getNode(uuids[0]))!).profile, 'control');

    const managed = await manageNodes(uc, uuids);
    assert.deepEqual(
      managed.nodes.map((n) => [n.provisionState, n.ok]),
      [
        ['manageable', true],
        ['manageable', true],
      ],
    );
    const again = await introspectNodes(uc, uuids);
    assert.equal(again.ok, true, again.message);
    assert.equal((await provideNodes(uc, [uuids[1]])).nodes[0].provisionState, 'available');

    const deleted = await deleteNodes(uc, [uuids[0], 'no-such-node-xyz']);
    assert.equal(deleted.ok, false);
    assert.deepEqual(
      deleted.nodes.map((n) => n.ok),
      [true, false],
    );
    assert.match(deleted.message, /1 of 2 nodes deleted; refused: no-such-node-xyz \(Node no-such-node-xyz could not be found\.\)/);
    assert.equal(await uc.ironic.getNode(uuids[0]), undefined);
  });

  it('introspects through ironic-inspector, the ramdisk callback simulated, and keeps the facts it found', async () => {
    const spec = fleet(1);
    const r = await registerNodes(uc, spec);
    const uuid = r.registered[0].uuid;
    ours.add(uuid);
    await uc.ironic.updateNode(uuid, [{ op: 'replace', path: '/inspect_interface', value: 'inspector' }]);
    const running = introspectNodes(uc, [uuid], { timeout: 120 });
    await waitForInspectorWaiting(uc, uuid);
    await simulateRamdisk(uc, spec[0].mac[0], { cpus: 16, memoryMb: 32768, diskBytes: 214748364800 });
    const done = await running;
    assert.equal(done.ok, true, done.message);
    const node = (await uc.ironic.getNode(uuid))!;
    assert.equal(Number(node.properties.cpus), 16);
    assert.equal(Number(node.properties.memory_mb), 32768);
  });

  it('refuses a bad file before anything is sent, and the CLI prints every error with its line', async () => {
    const spec = fleet(2);
    const file = write('bad.json', [spec[0], { ...spec[1], mac: [spec[0].mac[0]], pm_type: 'ipmi' }]);
    await assert.rejects(readNodeFile(file, uc), (e: Error) => {
      assert.ok(e instanceof PlanError);
      assert.match(e.message, /the node file has 2 errors; nothing was sent:/);
      assert.match(e.message, /bad\.json:\d+:\d+: error: node 2 \(.*\): unknown driver "ipmi" \(enabled in Ironic: fake-hardware\)/);
      assert.match(e.message, /bad\.json:\d+:\d+: error: node 2 \(.*\): MAC .* is also given to node 1/);
      assert.doesNotMatch(e.message, /never-shown-pw/);
      return true;
    });
    assert.deepEqual(await registered(spec), []);

    const tripleo = tripleoCli();
    await assert.rejects(tripleo('node', 'import', file), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr, /unknown driver "ipmi"/);
      assert.doesNotMatch(e.stderr, /never-shown-pw/);
      return true;
    });

    const good = write('good.json', [spec[0]]);
    const dry = await tripleo('node', 'import', good, '--dry-run');
    assert.match(dry.stdout, new RegExp(`would register\\t${spec[0].name}\\n`));
    const imported = JSON.parse((await tripleo('node', 'import', good, '--json')).stdout);
    assert.equal(imported.ok, true);
    for (const n of imported.registered) ours.add(n.uuid);
    const listed = JSON.parse((await tripleo('node', 'list', '--json')).stdout) as { name: string; provision_state: string; memory_mb: number }[];
    assert.deepEqual(
      listed.filter((n) => n.name === spec[0].name).map((n) => [n.provision_state, n.memory_mb]),
      [['manageable', 8192]],
    );
    const tagged = await tripleo('node', 'tag', spec[0].name!, '--profile', 'compute');
    assert.match(tagged.stdout, /1 nodes tagged with profile compute/);
    // --role gives the role's profile, as the extension's Tag with Profile does
    const byRole = JSON.parse((await tripleo('node', 'tag', spec[0].name!, '--role', 'Controller', '--json')).stdout) as { ok: boolean; message: string };
    assert.deepEqual([byRole.ok, byRole.message], [true, '1 nodes tagged with profile control']);
    assert.equal(nodeCapabilities((await uc.ironic.getNode(imported.registered[0].uuid))!).profile, 'control');
    assert.match((await tripleo('node', 'tag', spec[0].name!, '--role', 'CephStorage')).stdout, /1 nodes tagged with profile ceph-storage/);
    await assert.rejects(tripleo('node', 'provide', 'no-such-node-abc'), (e: { code: number; stderr: string }) =>
      /no such node: no-such-node-abc/.test(e.stderr),
    );
    const del = await tripleo('node', 'delete', spec[0].name!);
    assert.match(del.stdout, /1 of 1 nodes deleted/);
    // Mistral keeps the input with the password; what we show of an execution does not
    const ex = (await uc.mistral.getExecution(imported.execution ?? ''))!;
    assert.match(ex.input ?? '', /never-shown-pw/);
    assert.doesNotMatch(redactText(ex.input ?? ''), /never-shown-pw/);
    for (const args of [
      ['execution', 'show', ex.id],
      ['execution', 'show', ex.id, '--json'],
      ['execution', 'list', '--limit', '50', '--json'],
    ]) {
      const shown = await tripleo(...args);
      assert.doesNotMatch(shown.stdout, /never-shown-pw/, args.join(' '));
      assert.match(shown.stdout, args.includes('--json') ? new RegExp(ex.id) : /^input: .*\*{6}/m, args.join(' '));
    }
    assert.match(JSON.parse((await tripleo('execution', 'show', ex.id, '--json')).stdout).input, /"pm_password": ?"\*{6}"/);
  });
});
