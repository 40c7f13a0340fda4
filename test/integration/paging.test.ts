import * as assert from 'node:assert/strict';
import { manageNodes, registerNodes } from '../../src/tripleo/nodes';
import { Undercloud } from '../../src/tripleo/undercloud';
import { uploadPlanFolder } from '../../src/tripleo/upload';
import { installWorkbooks } from '../../src/tripleo/workbookInstaller';
import { runWorkflow, startAndWait } from '../../src/tripleo/workflows';
import { fakeFleet } from '../support/nodes';
import { SAMPLE_PLAN, simulateRamdisk, uniqueName, undercloudProfile, waitForInspectorWaiting } from '../support/undercloud';

const fleet = (count: number) => fakeFleet(count, uniqueName('page'), 'pw');

/**
 * Every listing of the workbooks with a page of 2 (the services' own maximum is 1,000 or 10,000):
 * a few objects and nodes then span several pages, and a listing that stopped at the first page
 * would miss most of them.
 */
describe('paging through Swift and Ironic listings in the workbooks (real undercloud, pages of 2)', function () {
  this.timeout(300_000);
  let uc: Undercloud;
  const ours = new Set<string>();
  const containers: string[] = [];
  const run = async (workflow: string, input: Record<string, unknown>) => {
    const done = await startAndWait(uc.mistral, workflow, input, { timeoutMs: 240_000, intervalMs: 1000 });
    assert.equal(done.state, 'SUCCESS', `${workflow}: ${done.state_info ?? ''} ${JSON.stringify(done.parsedOutput)}`);
    return done.parsedOutput ?? {};
  };
  const auth = async (extra: Record<string, string> = {}) => ({ 'X-Auth-Token': (await uc.session.getToken()).id, Accept: 'application/json', ...extra });

  before(async () => {
    uc = new Undercloud(undercloudProfile());
    await installWorkbooks(uc.mistral);
  });
  after(async () => {
    for (const id of ours) {
      const n = await uc.ironic.getNode(id).catch(() => undefined);
      if (n?.provision_state === 'available') await manageNodes(uc, [id]).catch(() => undefined);
      await uc.ironic.deleteNode(id).catch(() => undefined);
    }
    for (const c of containers) {
      for (const o of await uc.swift.listObjects(c).catch(() => [])) await uc.swift.deleteObject(c, o.name).catch(() => undefined);
      await uc.swift.deleteContainer(c).catch(() => undefined);
    }
    uc.dispose();
  });

  it('list_all returns every object of a container exactly once, names with "&", "#" and spaces as markers', async () => {
    const c = uniqueName('paging');
    containers.push(c);
    await uc.swift.createContainer(c);
    // sorted as Swift lists them: "b & c.yaml" and "f g.yaml" end pages of 2 and become markers
    const names = ['a.yaml', 'b & c.yaml', 'd#e.yaml', 'f g.yaml', 'h/i.yaml'];
    for (const n of names) await uc.swift.putObject(c, n, `name: ${n}\n`);
    const input = {
      url: `${await uc.session.endpoint('object-store')}/${c}`,
      headers: await auth(),
      params: { format: 'json' },
      marker_field: 'name',
    };
    const paged = await run('tripleo.common.v1.list_all', { ...input, page_size: 2 });
    assert.deepEqual(
      (paged.items as { name: string }[]).map((o) => o.name),
      names,
    );
    assert.equal(paged.pages, 3);
    const whole = await run('tripleo.common.v1.list_all', input);
    assert.deepEqual(
      (whole.items as { name: string }[]).map((o) => o.name),
      names,
    );
    assert.equal(whole.pages, 1);
  });

  const spec = fleet(5);
  const uuids = () => [...ours];

  it('list_all returns every Ironic node exactly once, over pages of 2', async () => {
    const r = await registerNodes(uc, spec);
    for (const n of r.registered) ours.add(n.uuid);
    assert.equal(r.ok, true, r.message);
    assert.equal(ours.size, 5);
    const out = await run('tripleo.common.v1.list_all', {
      url: `${await uc.session.endpoint('baremetal')}/v1/nodes`,
      headers: await auth({ 'X-OpenStack-Ironic-API-Version': '1.78' }),
      key: 'nodes',
      page_size: 2,
    });
    const listed = (out.items as { uuid: string }[]).map((n) => n.uuid);
    assert.equal(new Set(listed).size, listed.length, 'no node twice');
    for (const u of ours) assert.ok(listed.includes(u), `${u} listed`);
    assert.ok((out.pages as number) >= 3, `pages: ${out.pages}`);
  });

  it('register_or_update with pages of 2 finds every registered node: a re-import updates all five and creates none', async () => {
    const out = await run('tripleo.baremetal.v1.register_or_update', { nodes: spec.map((n) => ({ ...n, memory: 8192 })), page_size: 2 });
    assert.equal(out.status, 'SUCCESS', String(out.message));
    assert.deepEqual(out.registered, []);
    assert.deepEqual((out.updated as { uuid: string }[]).map((n) => n.uuid).sort(), uuids().sort());
    const macs = new Set(spec.flatMap((n) => n.mac));
    const ports = (await uc.ironic.listPorts()).filter((p) => macs.has(p.address));
    assert.equal(ports.length, 5, 'one port per MAC');
    assert.deepEqual([...new Set(ports.map((p) => p.node_uuid))].sort(), uuids().sort());
    for (const u of ours) assert.equal((await uc.ironic.getNode(u))?.properties.memory_mb, 8192);
  });

  it('remove_absent, tag_nodes and the validations node listing see nodes beyond the first page', async () => {
    const [dropped, ...kept] = uuids();
    const dry = await run('tripleo.baremetal.v1.remove_absent', { keep: kept, dry_run: true, page_size: 2 });
    const removed = (dry.removed as { uuid: string }[]).map((n) => n.uuid);
    assert.ok(removed.includes(dropped), 'the node left out would be removed');
    for (const u of kept) assert.ok(!removed.includes(u), `${u} is kept`);

    const tagged = await run('tripleo.baremetal.v1.tag_nodes', { node_uuids: uuids(), profile: 'compute', page_size: 2 });
    assert.equal(tagged.status, 'SUCCESS', String(tagged.message));
    assert.equal((tagged.nodes as unknown[]).length, 5);

    const seen = await run('tripleo.validations.v1.nodes', { only: spec.map((n) => n.name), page_size: 2 });
    assert.deepEqual((seen.nodes as { name: string; profile: string }[]).map((n) => [n.name, n.profile]).sort(), spec.map((n) => [n.name, 'compute']).sort());
  });

  it('set_provision_state with pages of 2 picks and watches every node', async () => {
    const out = await run('tripleo.baremetal.v1.set_provision_state', {
      node_uuids: spec.map((n) => n.name),
      verb: 'provide',
      target: 'available',
      select_state: 'manageable',
      page_size: 2,
      timeout: 180,
    });
    assert.equal(out.ok, true, String(out.message));
    assert.deepEqual(
      (out.nodes as { uuid: string; provision_state: string }[]).map((n) => [n.uuid, n.provision_state]).sort(),
      uuids()
        .map((u) => [u, 'available'])
        .sort(),
    );
    const back = await run('tripleo.baremetal.v1.set_provision_state', {
      node_uuids: uuids(),
      verb: 'manage',
      target: 'manageable',
      select_state: 'available',
      page_size: 2,
      timeout: 180,
    });
    assert.equal(back.ok, true, String(back.message));
  });

  it('set_provision_state keeps listing, 2 s apart, while a node waits for its ramdisk', async () => {
    const uuid = uuids()[0];
    await uc.ironic.updateNode(uuid, [{ op: 'replace', path: '/inspect_interface', value: 'inspector' }]);
    const running = run('tripleo.baremetal.v1.set_provision_state', {
      node_uuids: [uuid],
      verb: 'inspect',
      target: 'manageable',
      select_state: 'manageable',
      page_size: 2,
      timeout: 120,
    });
    await waitForInspectorWaiting(uc, uuid);
    // the workflow has seen the node waiting by now: only a later listing can see it done
    await new Promise((r) => setTimeout(r, 3000));
    await simulateRamdisk(uc, spec[0].mac[0], { cpus: 16, memoryMb: 32768, diskBytes: 214748364800 });
    const out = await running;
    assert.equal(out.ok, true, String(out.message));
    assert.deepEqual(
      (out.nodes as { uuid: string; provision_state: string }[]).map((n) => [n.uuid, n.provision_state]),
      [[uuid, 'manageable']],
    );
    assert.equal(Number((await uc.ironic.getNode(uuid))?.properties.memory_mb), 32768);
  });

  it('creates, updates, reads and deletes a plan of 30 files listed 2 at a time', async () => {
    const plan = uniqueName('pagedplan');
    containers.push(plan);
    await uploadPlanFolder(uc.swift, SAMPLE_PLAN, plan);
    const files = (await uc.swift.listObjects(plan)).filter((o) => !o.name.startsWith('.tripleo/')).length;
    assert.ok(files > 20, `${files} files`);
    try {
      // overcloud.yaml sorts after the first pages: a first-page listing would not find the root template
      const created = await runWorkflow(uc.mistral, 'tripleo.plan_management.v1.create_deployment_plan', { container: plan, page_size: 2 });
      assert.equal(created.message, `plan "${plan}" created with ${files} files`);
      const updated = await runWorkflow(uc.mistral, 'tripleo.plan_management.v1.update_deployment_plan', { container: plan, page_size: 2 });
      assert.deepEqual(updated.output.dropped_environments, []);
      const facts = await run('tripleo.validations.v1.plan_facts', { container: plan, page_size: 2 });
      assert.equal(facts.heat_error, null);
      assert.ok((facts.roles as unknown[]).length > 0);
    } finally {
      const deleted = await runWorkflow(uc.mistral, 'tripleo.plan_management.v1.delete_deployment_plan', { container: plan, page_size: 2 });
      assert.equal(deleted.message, `plan "${plan}" deleted`);
    }
    assert.equal(await uc.swift.containerInfo(plan), undefined, 'no object left behind');
  });
});
