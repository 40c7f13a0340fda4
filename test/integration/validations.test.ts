import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deployPlan, followStack } from '../../src/tripleo/deploy';
import { PlanError } from '../../src/tripleo/errors';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { requirePlanData, writePlanData } from '../../src/tripleo/planData';
import { createPlan } from '../../src/tripleo/plans';
import { IRONIC_API_VERSION } from '../../src/openstack/ironic';
import { Undercloud } from '../../src/tripleo/undercloud';
import { getGroupRun, listValidations, runGroup, runValidation, stopValidation, validationResults, VALIDATION_GROUPS } from '../../src/tripleo/validations';
import { planFixture, removeStackAndPlan, ROOT, tripleoCli, uniqueName, undercloudProfile } from '../support/undercloud';

const SAMPLE = path.join(ROOT, 'samples/overcloud-lite');
const randomMac = () =>
  `52:54:00:${[0, 0, 0]
    .map(() =>
      Math.floor(Math.random() * 256)
        .toString(16)
        .padStart(2, '0'),
    )
    .join(':')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fake-hardware nodes of this test only, so that other tests' nodes change nothing it asserts. */
class TestNodes {
  readonly names: string[] = [];
  constructor(private readonly uc: Undercloud) {}

  async register(profile: string | undefined, opts: { available?: boolean } = {}): Promise<string> {
    const name = uniqueName(`val-${profile ?? 'none'}`);
    const node = await this.uc.ironic.createNode({
      driver: 'fake-hardware',
      name,
      properties: { cpus: 4, memory_mb: 8192, local_gb: 40, cpu_arch: 'x86_64', ...(profile ? { capabilities: `profile:${profile},boot_option:local` } : {}) },
    });
    this.names.push(name);
    await this.uc.ironic.createPort(node.uuid, randomMac());
    if (opts.available) {
      await this.uc.ironic.setProvisionState(name, 'manage');
      await this.uc.ironic.waitForProvisionState(name, 'manageable', { timeoutMs: 60_000 });
      await this.uc.ironic.setProvisionState(name, 'provide');
      await this.uc.ironic.waitForProvisionState(name, 'available', { timeoutMs: 60_000 });
    }
    return name;
  }

  async removeAll(): Promise<void> {
    for (const n of this.names) {
      const node = await this.uc.ironic.getNode(n).catch(() => undefined);
      if (!node) continue;
      if (node.maintenance) await this.uc.ironic.updateNode(n, [{ op: 'replace', path: '/maintenance', value: false }]).catch(() => undefined);
      if (node.provision_state === 'available') {
        await this.uc.ironic.setProvisionState(n, 'manage').catch(() => undefined);
        await this.uc.ironic.waitForProvisionState(n, 'manageable', { timeoutMs: 30_000 }).catch(() => undefined);
      }
      await this.uc.ironic.deleteNode(n).catch(() => undefined);
    }
  }
}

describe('validations (tripleo.validations.v1) on the real undercloud', function () {
  this.timeout(300_000);
  let uc: Undercloud;
  let nodes: TestNodes;
  const plan = uniqueName('valid');
  const good: string[] = [];
  let untagged: string;

  before(async () => {
    uc = new Undercloud(undercloudProfile());
    nodes = new TestNodes(uc);
    await createPlan(uc, plan, SAMPLE);
    // the sample's roles: Controller (flavor control) x1, Compute (flavor compute) x2
    const registered = await Promise.all([
      nodes.register('control', { available: true }),
      nodes.register('compute', { available: true }),
      nodes.register('compute', { available: true }),
      nodes.register(undefined, { available: true }),
    ]);
    good.push(...registered.slice(0, 3));
    untagged = registered[3];
  });
  after(async () => {
    await nodes.removeAll();
    await removeStackAndPlan(plan);
    uc.dispose();
  });

  it('lists the validations from Mistral: names, descriptions and groups from tags, helpers left out', async () => {
    const all = await listValidations(uc);
    const ids = all.map((v) => v.id);
    for (const id of [
      'undercloud_services',
      'node_health',
      'node_counts',
      'node_profiles',
      'plan_templates',
      'environment_selection',
      'stack_complete',
      'stack_outputs',
    ])
      assert.ok(ids.includes(id), id);
    for (const helper of ['run_group', 'run_one', 'http_get', 'plan_facts', 'nodes']) assert.ok(!ids.includes(helper), helper);
    for (const g of VALIDATION_GROUPS)
      assert.ok(
        all.some((v) => v.groups.includes(g)),
        `group ${g} is empty`,
      );
    const counts = all.find((v) => v.id === 'node_counts')!;
    assert.equal(counts.name, 'Enough available nodes for each role');
    assert.match(counts.description, /<Role>Count/);
    assert.deepEqual(all.find((v) => v.id === 'node_health')!.groups, ['pre-introspection', 'pre-deployment']);
    assert.deepEqual(
      (await listValidations(uc, { group: 'post-deployment' })).map((v) => v.id),
      ['stack_complete', 'stack_outputs'],
    );
    await assert.rejects(
      listValidations(uc, { group: 'nope' }),
      (e: Error) => e instanceof PlanError && /no validation is in the group "nope"/.test(e.message),
    );
  });

  it('undercloud_services: every service answers, with its API versions', async () => {
    const r = await runValidation(uc, 'undercloud_services');
    assert.equal(r.result, 'pass', r.message);
    for (const s of ['Keystone', 'Swift', 'Mistral', 'Heat', 'Ironic', 'ironic-inspector', 'Glance', 'Nova'])
      assert.ok(
        r.messages.some((m) => m.startsWith(`${s} answers at http`)),
        `${s}: ${r.messages.join('\n')}`,
      );
    assert.ok(
      r.messages.some((m) => /^Ironic .*microversions 1\.1 to 1\.\d+/.test(m)),
      r.messages.join('\n'),
    );
    // an undercloud without a placement service, asked for one
    const bad = await runValidation(uc, 'undercloud_services', { input: { services: { identity: 'Keystone', placement: 'Placement' } } });
    assert.equal(bad.result, 'fail');
    assert.equal(bad.message, '1 undercloud service(s) missing or not answering: not in the catalog: Placement (placement)');
    assert.equal(bad.messages[0], 'Placement (placement) has no public endpoint in the Keystone catalog: register it with openstack endpoint create');
  });

  it("environment_selection: passes on the sample; fails on conflicting and unmet selections written behind the library's back", async () => {
    const ok = await runValidation(uc, 'environment_selection', { plan });
    assert.equal(ok.result, 'pass', ok.message);
    const data = await requirePlanData(uc.mistral, plan);
    // what another client could store: two network layouts, TLS endpoints without the certificate, a file that is not there
    await writePlanData(uc.mistral, plan, {
      ...data,
      environments: [
        ...data.environments,
        { path: 'environments/network-flat.yaml' },
        { path: 'environments/network-isolation.yaml' },
        { path: 'environments/ssl-endpoints.yaml' },
        { path: 'environments/gone.yaml' },
      ],
    });
    try {
      const bad = await runValidation(uc, 'environment_selection', { plan });
      assert.equal(bad.result, 'fail');
      assert.equal(bad.state, 'ERROR');
      assert.match(bad.message, /^3 problem\(s\)/);
      assert.ok(
        bad.messages.includes(
          'environments/network-flat.yaml and environments/network-isolation.yaml are mutually exclusive (Network Layout): keep one of them selected',
        ),
        bad.messages.join('\n'),
      );
      assert.ok(
        bad.messages.includes(
          'environments/ssl-endpoints.yaml requires environments/ssl-enable.yaml, which is not selected: select environments/ssl-enable.yaml or unselect environments/ssl-endpoints.yaml',
        ),
        bad.messages.join('\n'),
      );
      assert.ok(
        bad.messages.some((m) => m.startsWith('the selected environment environments/gone.yaml is not a file of the plan')),
        bad.messages.join('\n'),
      );
    } finally {
      // read again: the write above changed the plan, and a write based on the first read is refused
      await writePlanData(uc.mistral, plan, { ...(await requirePlanData(uc.mistral, plan)), environments: data.environments });
    }
  });

  it('plan_templates: passes on the sample; fails naming a parameter that has neither a value nor a default', async () => {
    const ok = await runValidation(uc, 'plan_templates', { plan });
    assert.equal(ok.result, 'pass', ok.message);
    assert.match(ok.messages[0], /Heat accepted the templates with 1 selected environment\(s\): overcloud-resource-registry.yaml/);
    // a copy of the sample whose root template gained a parameter nobody sets
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valid-'));
    const copy = uniqueName('validreq');
    try {
      fs.cpSync(SAMPLE, dir, { recursive: true });
      const root = path.join(dir, 'overcloud.yaml');
      fs.writeFileSync(
        root,
        fs
          .readFileSync(root, 'utf8')
          .replace(/^parameters:\n/m, 'parameters:\n  SiteIdentifier:\n    type: string\n    description: Identifier of the site in the inventory.\n'),
      );
      await createPlan(uc, copy, dir);
      const bad = await runValidation(uc, 'plan_templates', { plan: copy });
      assert.equal(bad.result, 'fail');
      assert.equal(bad.message, '1 parameter(s) without a value: SiteIdentifier');
      assert.match(
        bad.messages[0],
        /^parameter SiteIdentifier \(String: Identifier of the site in the inventory\.\) has no value and no default: set it with tripleo parameters set/,
      );
      await updatePlanParameters(uc, copy, { SiteIdentifier: 'lab-1' });
      assert.equal((await runValidation(uc, 'plan_templates', { plan: copy })).result, 'pass');
    } finally {
      await removeStackAndPlan(copy);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('node_counts: passes with enough tagged nodes, warns when untagged ones must fill in, fails when a role count is above the nodes there are', async () => {
    const only = { nodes: [...good, untagged] };
    const ok = await runValidation(uc, 'node_counts', { plan, input: only });
    assert.equal(ok.result, 'pass', `${ok.message}\n${ok.messages.join('\n')}`);
    assert.deepEqual(ok.messages, [
      'Controller: ControllerCount is 1, 1 available node(s) with profile controller or control',
      'Compute: ComputeCount is 2, 2 available node(s) with profile compute',
    ]);

    await updatePlanParameters(uc, plan, { ComputeCount: 3 });
    const warn = await runValidation(uc, 'node_counts', { plan, input: only });
    assert.equal(warn.result, 'warning');
    assert.equal(warn.state, 'SUCCESS');
    assert.match(
      warn.messages[0],
      /^Compute: ComputeCount is 3 but only 2 available node\(s\) have profile compute: 1 node\(s\) without a profile will be used; tag them/,
    );

    // every node of the undercloud this time: the count is above what any test registers
    await updatePlanParameters(uc, plan, { ComputeCount: 50 });
    const bad = await runValidation(uc, 'node_counts', { plan });
    assert.equal(bad.result, 'fail');
    assert.match(bad.message, /^not enough available nodes: ComputeCount is 50, \d+ with its profile/);
    assert.match(
      bad.messages.find((m) => m.startsWith('Compute:'))!,
      /ComputeCount is 50 but only \d+ available node\(s\) have profile compute.*register and provide more nodes \(profile compute\) or lower ComputeCount/,
    );
    await updatePlanParameters(uc, plan, { ComputeCount: 2 });
  });

  it("node_profiles: passes for nodes tagged for the plan's roles; fails naming a node tagged for a role the plan lacks", async () => {
    const ok = await runValidation(uc, 'node_profiles', { plan, input: { nodes: [...good, untagged] } });
    assert.equal(ok.result, 'pass', ok.message);
    assert.deepEqual(ok.messages, ['Controller: 1 node(s) tagged controller or control', 'Compute: 2 node(s) tagged compute']);
    const stray = await nodes.register('ceph-storage');
    const bad = await runValidation(uc, 'node_profiles', { plan, input: { nodes: [...good, stray] } });
    assert.equal(bad.result, 'fail');
    assert.equal(bad.message, `1 node(s) tagged for no role of the plan: ${stray} (ceph-storage)`);
    assert.match(
      bad.messages[0],
      new RegExp(
        `^node ${stray} has profile ceph-storage, which no role of the plan uses \\(roles: Controller \\(controller or control\\), Compute \\(compute\\)\\): tag it`,
      ),
    );
  });

  it('node_health: passes for nodes Ironic can manage; fails naming a node in maintenance and why', async () => {
    const ok = await runValidation(uc, 'node_health', { input: { nodes: good } });
    assert.equal(ok.result, 'pass', `${ok.message}\n${ok.messages.join('\n')}`);
    assert.equal(ok.message, '3 node(s) can be managed');
    const broken = await nodes.register('compute');
    // Ironic's maintenance call, which (unlike a PATCH) records the reason
    const res = await uc.session.request({
      service: 'ironic',
      serviceType: 'baremetal',
      method: 'PUT',
      path: `/v1/nodes/${broken}/maintenance`,
      body: { reason: 'BMC replaced, credentials unknown' },
      headers: { 'X-OpenStack-Ironic-API-Version': IRONIC_API_VERSION },
    });
    await res.text();
    const bad = await runValidation(uc, 'node_health', { input: { nodes: [...good, broken] } });
    assert.equal(bad.result, 'fail');
    assert.deepEqual(bad.messages, [
      `node ${broken} is in maintenance (BMC replaced, credentials unknown): fix the cause, then openstack baremetal node maintenance unset ${broken}`,
    ]);
  });

  it('runs the pre-deployment group in parallel and fails it on a role count above the nodes there are', async () => {
    await updatePlanParameters(uc, plan, { ComputeCount: 50 });
    try {
      const t0 = Date.now();
      const g = await runGroup(uc, 'pre-deployment', { plan });
      const took = Date.now() - t0;
      assert.equal(g.state, 'ERROR');
      assert.deepEqual(
        g.results.map((r) => r.validation),
        ['environment_selection', 'node_counts', 'node_health', 'node_profiles', 'plan_templates'],
      );
      assert.match(g.message, /^pre-deployment: \d of 5 validation\(s\) failed: .*node_counts/);
      assert.equal(g.results.find((r) => r.validation === 'node_counts')!.result, 'fail');
      assert.equal(g.results.find((r) => r.validation === 'plan_templates')!.result, 'pass');
      assert.equal(g.results.find((r) => r.validation === 'environment_selection')!.result, 'pass');
      const starts = g.results.map((r) => Date.parse(`${r.createdAt.replace(' ', 'T')}Z`));
      // all started together: the group is not run one after the other
      assert.ok(Math.max(...starts) - Math.min(...starts) < 5000, `started over ${Math.max(...starts) - Math.min(...starts)} ms`);
      console.log(`      pre-deployment group: ${took} ms for ${g.results.length} validations`);
      // each run is an execution of its validation, found by validation and plan
      const counts = await validationResults(uc, { plan, validation: 'node_counts', limit: 1 });
      assert.equal(counts[0].executionId, g.results.find((r) => r.validation === 'node_counts')!.executionId);
    } finally {
      await updatePlanParameters(uc, plan, { ComputeCount: 2 });
    }
  });

  it('post-deployment: fails without a stack; stop ends a validation waiting on a deploy; passes once the stack is complete', async () => {
    const none = await runGroup(uc, 'post-deployment', { plan });
    assert.equal(none.state, 'ERROR');
    assert.deepEqual(
      none.results.map((r) => [r.validation, r.result, r.message]),
      [
        ['stack_complete', 'fail', `plan ${plan} has no stack`],
        ['stack_outputs', 'fail', `plan ${plan} has no stack`],
      ],
    );

    await deployPlan(uc, plan);
    // one validation and one group run, both following the stack while Heat creates it
    const waiting = await runValidation(uc, 'stack_complete', { plan, wait: false });
    const group = await runGroup(uc, 'post-deployment', { plan, wait: false });
    assert.equal(waiting.result, 'running');
    const following = async (executionId: string) =>
      (await uc.mistral.listTasks(executionId)).some((t) => t.name === 'wait_for_stack' && t.state === 'RUNNING');
    for (let i = 0; i < 60 && !(await following(waiting.executionId)); i++) await sleep(250);
    let groupWaiter: string | undefined;
    for (let i = 0; i < 60 && !groupWaiter; i++) {
      groupWaiter = (await getGroupRun(uc, group.executionId)).results.find((r) => r.validation === 'stack_complete')?.executionId;
      if (!groupWaiter) await sleep(250);
    }
    for (let i = 0; i < 60 && !(await following(groupWaiter!)); i++) await sleep(250);
    assert.equal((await uc.heat.getStack(plan))?.stack_status, 'CREATE_IN_PROGRESS');

    await stopValidation(uc, waiting.executionId);
    await stopValidation(uc, group.executionId);
    const stopped = (await validationResults(uc, { plan, validation: 'stack_complete', limit: 2 })).find((r) => r.executionId === waiting.executionId)!;
    assert.equal(stopped.state, 'CANCELLED');
    assert.equal(stopped.result, 'cancelled');
    const g = await getGroupRun(uc, group.executionId);
    assert.equal(g.state, 'CANCELLED');
    assert.equal(g.results.find((r) => r.validation === 'stack_complete')?.state, 'CANCELLED', JSON.stringify(g.results));
    // past the 5 s between two looks at the stack: nothing of either went on to judge it
    await sleep(6000);
    for (const id of [waiting.executionId, groupWaiter!]) {
      const tasks = await uc.mistral.listTasks(id);
      assert.ok(
        !tasks.some((t) => ['stack_pass', 'list_failed_resources', 'still_running'].includes(t.name)),
        JSON.stringify(tasks.map((t) => [t.name, t.state])),
      );
      assert.equal((await uc.mistral.getExecution(id))?.state, 'CANCELLED');
    }
    await assert.rejects(stopValidation(uc, waiting.executionId), (e: Error) => e instanceof PlanError && /has already ended: CANCELLED/.test(e.message));

    const r = await followStack(uc, plan, { timeoutMs: 240_000 });
    assert.equal(r.stack.stack_status, 'CREATE_COMPLETE');
    const after = await runGroup(uc, 'post-deployment', { plan });
    assert.equal(after.state, 'SUCCESS', after.message);
    assert.deepEqual(
      after.results.map((x) => x.result),
      ['pass', 'pass'],
    );
    const outputs = after.results.find((x) => x.validation === 'stack_outputs')!;
    assert.ok(
      outputs.messages.some((m) => m.startsWith('KeystoneURL: ')),
      outputs.messages.join('\n'),
    );
    assert.ok(
      outputs.messages.some((m) => m.startsWith('RoleHostnames: ')),
      outputs.messages.join('\n'),
    );
  });

  it('results: the runs of a validation for a plan, newest first, with their messages', async () => {
    const runs = await validationResults(uc, { plan, validation: 'node_counts', limit: 10 });
    assert.ok(runs.length >= 3);
    assert.ok(runs.every((r) => r.plan === plan && r.validation === 'node_counts'));
    assert.deepEqual(
      [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((r) => r.executionId),
      runs.map((r) => r.executionId),
    );
    assert.ok(runs.some((r) => r.result === 'fail' && r.messages.some((m) => /ComputeCount is 50/.test(m))));
    assert.ok(runs.some((r) => r.result === 'warning'));
    const all = await validationResults(uc, { plan, limit: 1 });
    assert.ok(['stack_complete', 'stack_outputs', 'plan_templates', 'environment_selection'].every((v) => all.some((r) => r.validation === v)));
    for (const r of all) assert.ok(!JSON.stringify(r).includes('gAAAAA'), `a token in ${r.validation}`);
  });
});

describe('a deploy that failed, seen by the post-deployment validations', function () {
  this.timeout(300_000);
  const fixture = planFixture('validfail', { environments: { 'environments/fail-on-create.yaml': true }, prepare: deployPlan });
  const { plan } = fixture;

  it("stack_complete waits for the stack, then fails with the failed resource and Heat's reason; stack_outputs fails too", async () => {
    const complete = await runValidation(fixture.uc, 'stack_complete', { plan });
    assert.equal(complete.result, 'fail');
    assert.match(complete.message, new RegExp(`^stack ${plan} CREATE_FAILED \\(\\d+ failed resource\\(s\\)\\)`));
    assert.ok(
      complete.messages.some((m) => /^resource IntentionalCreateFailure \(OS::Heat::TestResource\) CREATE_FAILED: .*Test Resource failed/.test(m)),
      complete.messages.join('\n'),
    );
    const outputs = await runValidation(fixture.uc, 'stack_outputs', { plan });
    assert.equal(outputs.result, 'fail');
    assert.equal(outputs.message, `stack ${plan} is CREATE_FAILED`);
  });
});

describe('tripleo validation (CLI)', function () {
  this.timeout(180_000);
  const { plan } = planFixture('validcli');
  const tripleo = tripleoCli();

  it('lists by group, runs, and reads the results; exit 1 when a validation fails', async () => {
    const listed = JSON.parse((await tripleo('validation', 'list', '--group', 'pre-deployment', '--json')).stdout) as { id: string; groups: string[] }[];
    assert.ok(listed.length >= 4 && listed.every((v) => v.groups.includes('pre-deployment')));
    const run = await tripleo('validation', 'run', 'environment_selection', 'plan_templates', '--plan', plan);
    assert.match(run.stdout, /^environment_selection {2}PASS {2}plan /m);
    assert.match(run.stdout, /^plan_templates {2}PASS {2}plan /m);
    await assert.rejects(
      tripleo('validation', 'run', 'stack_outputs', '--plan', plan),
      (e: { code: number; stdout: string }) => e.code === 1 && new RegExp(`stack_outputs {2}FAIL.*\\n {2}plan ${plan} has no stack`).test(e.stdout),
    );
    const results = JSON.parse((await tripleo('validation', 'results', 'stack_outputs', '--plan', plan, '--json')).stdout) as {
      result: string;
      plan: string;
    }[];
    assert.deepEqual(
      results.map((r) => [r.result, r.plan]),
      [['fail', plan]],
    );
    await assert.rejects(
      tripleo('validation', 'run', 'nope', '--plan', plan),
      (e: { code: number; stderr: string }) => e.code === 1 && /no validation is named "nope"/.test(e.stderr),
    );
  });

  it('starts a group without waiting and stops it; a run that has ended cannot be stopped', async () => {
    const started = await tripleo('validation', 'run', '--group', 'pre-deployment', '--plan', plan, '--no-wait');
    const id = /^(\S+) {2}group pre-deployment$/m.exec(started.stdout)?.[1];
    assert.ok(id, started.stdout);
    assert.equal((await tripleo('validation', 'stop', id)).stdout.trim(), `run_group ${id}: CANCELLED`);
    await assert.rejects(
      tripleo('validation', 'stop', id),
      (e: { code: number; stderr: string }) => e.code === 1 && e.stderr.trim() === `tripleo: execution ${id} (run_group) has already ended: CANCELLED`,
    );
  });
});
