import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ParameterError, PlanError } from '../../src/tripleo/errors';
import { readPlanData } from '../../src/tripleo/planData';
import { createPlan, deletePlan, exportPlan, getPlanCapabilities, listPlans, updatePlan, updatePlanCapabilities } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { installWorkbooks } from '../../src/tripleo/workbookInstaller';
import { runWorkflow } from '../../src/tripleo/workflows';
import { uploadPlanFolder } from '../../src/tripleo/upload';
import { getPlanParameters, updatePlanParameters } from '../../src/tripleo/parameters';
import { planFixture, ROOT, uniqueName, undercloudProfile } from '../support/undercloud';

const SAMPLE = path.join(ROOT, 'samples/overcloud-lite');

describe('deployment plans through the Mistral workflows (real undercloud)', function () {
  this.timeout(120_000);
  let uc: Undercloud;
  const plan = uniqueName('plan');
  let work: string;

  before(async () => {
    uc = new Undercloud(undercloudProfile());
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-plans-'));
  });
  after(async () => {
    await deletePlan(uc, plan).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
    uc.dispose();
  });

  it('installs the workbooks, then leaves the same version alone', async () => {
    await installWorkbooks(uc.mistral);
    const again = await installWorkbooks(uc.mistral);
    assert.deepEqual(
      again.map((w) => w.action),
      again.map(() => 'current'),
    );
    assert.ok(again.length >= 2);
  });

  it('upgrades an older workbook and leaves a newer one alone', async () => {
    const name = `tripleo.versioning_test_${Date.now().toString(36)}`;
    const wb = (version: number) => ({
      name,
      version,
      definition: `version: '2.0'\nname: ${name}\ntags: [vscode-tripleo, 'workbook-version:${version}']\nworkflows:\n  noop:\n    tasks:\n      t:\n        action: std.noop\n`,
    });
    try {
      assert.deepEqual(
        (await installWorkbooks(uc.mistral, [wb(1)])).map((w) => w.action),
        ['installed'],
      );
      assert.deepEqual(
        (await installWorkbooks(uc.mistral, [wb(1)])).map((w) => w.action),
        ['current'],
      );
      assert.deepEqual(
        (await installWorkbooks(uc.mistral, [wb(2)])).map((w) => [w.action, w.installedVersion]),
        [['upgraded', 1]],
      );
      assert.deepEqual(
        (await installWorkbooks(uc.mistral, [wb(1)])).map((w) => [w.action, w.installedVersion]),
        [['newer-installed', 2]],
      );
    } finally {
      await uc.mistral.deleteWorkbook(name);
    }
  });

  it('refuses a plan name Heat would not accept, before creating anything', async () => {
    await assert.rejects(createPlan(uc, 'my plan', SAMPLE), (e: Error) => e instanceof PlanError && e.code === 'invalid-plan-name');
    assert.equal(await uc.swift.containerMetadata('my plan'), undefined);
  });

  it('refuses a folder without a capabilities map', async () => {
    const dir = path.join(work, 'no-map');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'overcloud.yaml'), 'heat_template_version: rocky\n');
    await assert.rejects(createPlan(uc, uniqueName('nomap'), dir), (e: Error) => e instanceof PlanError && e.code === 'missing-capabilities-map');
  });

  it('the create workflow itself refuses a container without a capabilities map, or with a broken one', async () => {
    const dir = path.join(work, 'raw');
    fs.cpSync(SAMPLE, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'capabilities-map.yaml'));
    const c = uniqueName('raw');
    await uploadPlanFolder(uc.swift, dir, c);
    try {
      await assert.rejects(runWorkflow(uc.mistral, 'tripleo.plan_management.v1.create_deployment_plan', { container: c }), /has no capabilities-map.yaml/);
      fs.writeFileSync(
        path.join(dir, 'capabilities-map.yaml'),
        'root_template: nope.yaml\ntopics:\n- title: T\n  environment_groups:\n  - title: G\n    environments:\n    - {title: M}\n',
      );
      await uploadPlanFolder(uc.swift, dir, c);
      await assert.rejects(
        runWorkflow(uc.mistral, 'tripleo.plan_management.v1.create_deployment_plan', { container: c }),
        /capabilities-map.yaml is invalid: an environment has no file; root template nope.yaml does not exist/,
      );
      assert.equal(await readPlanData(uc.mistral, c), undefined);
    } finally {
      for (const o of await uc.swift.listObjects(c)) await uc.swift.deleteObject(c, o.name);
      await uc.swift.deleteContainer(c);
    }
  });

  it('creates a plan from the sample folder: container marked, plan data with the root environment and passwords', async () => {
    const r = await createPlan(uc, plan, SAMPLE);
    assert.match(r.message, new RegExp(`plan "${plan}" created with \\d+ files`));
    assert.equal((await uc.swift.containerMetadata(plan))?.['usage-tripleo'], 'plan');
    const data = await readPlanData(uc.mistral, plan);
    assert.equal(data?.template, 'overcloud.yaml');
    assert.deepEqual(data?.environments, [{ path: 'overcloud-resource-registry.yaml' }]);
    assert.deepEqual(data?.parameter_defaults, {});
    assert.match(data?.passwords.AdminPassword ?? '', /^[0-9a-f]{32}$/);
    assert.ok((await listPlans(uc)).some((p) => p.name === plan));
  });

  it('refuses to create a plan that exists', async () => {
    await assert.rejects(createPlan(uc, plan, SAMPLE), (e: Error) => e instanceof PlanError && e.code === 'plan-exists');
  });

  it('lists capabilities with what is enabled, the no-gui group and the "Other" topic', async () => {
    const topics = await getPlanCapabilities(uc, plan);
    const envs = topics.flatMap((t) => t.groups.flatMap((g) => g.environments.map((e) => ({ ...e, group: g }))));
    assert.equal(envs.find((e) => e.file === 'overcloud-resource-registry.yaml')?.enabled, true);
    assert.equal(envs.find((e) => e.file === 'environments/debug.yaml')?.enabled, false);
    assert.equal(envs.find((e) => e.file === 'environments/fail-on-create.yaml')?.group.noGui, true);
    assert.equal(topics[topics.length - 1].title, 'Other');
    assert.ok(envs.some((e) => e.file === 'environments/custom-user-settings.yaml'));
  });

  it('selects environments in order and refuses conflicts, naming the files', async () => {
    assert.deepEqual(await updatePlanCapabilities(uc, plan, { 'environments/network-isolation.yaml': true, 'environments/debug.yaml': true }), [
      'overcloud-resource-registry.yaml',
      'environments/network-isolation.yaml',
      'environments/debug.yaml',
    ]);
    await assert.rejects(
      updatePlanCapabilities(uc, plan, { 'environments/network-flat.yaml': true }),
      /environments\/network-flat.yaml and environments\/network-isolation.yaml are mutually exclusive|environments\/network-isolation.yaml and environments\/network-flat.yaml are mutually exclusive/,
    );
    await assert.rejects(
      updatePlanCapabilities(uc, plan, { 'environments/ssl-endpoints.yaml': true }),
      /environments\/ssl-endpoints.yaml requires environments\/ssl-enable.yaml/,
    );
    const data = await readPlanData(uc.mistral, plan);
    assert.deepEqual(data?.environments.length, 3);
  });

  it('updates the templates, keeping selections that still exist and dropping the others', async () => {
    const copy = path.join(work, 'copy');
    fs.cpSync(SAMPLE, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'environments/debug.yaml'));
    const mapFile = path.join(copy, 'capabilities-map.yaml');
    const map = parse(fs.readFileSync(mapFile, 'utf8'));
    for (const t of map.topics)
      for (const g of t.environment_groups) g.environments = g.environments.filter((e: { file: string }) => e.file !== 'environments/debug.yaml');
    fs.writeFileSync(mapFile, JSON.stringify(map));
    const r = await updatePlan(uc, plan, copy);
    assert.deepEqual(r.dropped, ['environments/debug.yaml']);
    assert.deepEqual(r.upload.deleted, ['environments/debug.yaml']);
    const data = await readPlanData(uc.mistral, plan);
    assert.deepEqual(data?.environments, [{ path: 'overcloud-resource-registry.yaml' }, { path: 'environments/network-isolation.yaml' }]);
  });

  it('exports the plan into an empty folder, never over existing files', async () => {
    const out = path.join(work, 'export');
    const written = await exportPlan(uc, plan, out);
    assert.ok(written.includes('overcloud.yaml') && written.includes('plan-environment.yaml'));
    assert.equal(fs.readFileSync(path.join(out, 'overcloud.yaml'), 'utf8'), fs.readFileSync(path.join(SAMPLE, 'overcloud.yaml'), 'utf8'));
    const planEnv = parse(fs.readFileSync(path.join(out, 'plan-environment.yaml'), 'utf8'));
    assert.equal(planEnv.passwords, undefined);
    await assert.rejects(exportPlan(uc, plan, out), (e: Error) => e instanceof PlanError && e.code === 'folder-not-empty');
  });

  it('refuses to delete a plan while a stack of that name exists', async () => {
    const stack = await uc.heat.createStack(plan, { template: { heat_template_version: '2018-08-31', resources: { n: { type: 'OS::Heat::None' } } } });
    try {
      await assert.rejects(deletePlan(uc, plan), /has a deployed stack .*delete the stack first/);
      assert.ok(await readPlanData(uc.mistral, plan));
    } finally {
      const deleting = await uc.heat.deleteStack(`${plan}/${stack.id}`);
      if (deleting) await uc.heat.waitForStack(deleting, { timeoutMs: 60_000 }).catch(() => undefined);
    }
  });

  it('deletes the plan: objects, container and plan data', async () => {
    assert.match(await deletePlan(uc, plan), new RegExp(`plan "${plan}" deleted`));
    assert.equal(await uc.swift.containerMetadata(plan), undefined);
    assert.equal(await readPlanData(uc.mistral, plan), undefined);
    await assert.rejects(deletePlan(uc, plan), /does not exist/);
  });
});

describe('plan parameters through Heat (real undercloud)', function () {
  this.timeout(180_000);
  const fixture = planFixture('params', { environments: { 'environments/network-isolation.yaml': true } });
  const { plan } = fixture;

  it('reports every parameter of root and nested templates, with where it is defined and its value', async () => {
    const { parameters, groups } = await getPlanParameters(fixture.uc, plan);
    const byName = new Map(parameters.map((p) => [p.name, p]));
    const count = byName.get('ComputeCount')!;
    assert.equal(count.type, 'Number');
    assert.equal(count.constraints.minValue, 0);
    assert.equal(count.constraints.maxValue, 50);
    assert.deepEqual(count.definedIn, ['overcloud.yaml']);
    assert.equal(typeof count.value, 'number');
    const libvirt = byName.get('NovaComputeLibvirtType')!;
    assert.deepEqual(libvirt.definedIn, ['puppet/compute-role.yaml']);
    assert.ok(libvirt.constraints.allowedValues?.includes('qemu'));
    assert.equal(byName.get('AdminPassword')!.noEcho, true);
    // a parameter of a template that only the selected network-isolation environment maps in
    assert.ok(byName.get('InternalApiNetCidr')?.definedIn[0].startsWith('network/'));
    assert.ok(groups.length >= 1);
  });

  it('answers from the cache while the plan has not changed', async () => {
    const a = await getPlanParameters(fixture.uc, plan);
    const t0 = Date.now();
    const b = await getPlanParameters(fixture.uc, plan);
    assert.equal(a.revision, b.revision);
    assert.strictEqual(a, b);
    assert.ok(Date.now() - t0 < 1500);
  });

  it('sets values keeping their types', async () => {
    const r = await updatePlanParameters(fixture.uc, plan, { ComputeCount: 3, Debug: true, NtpServer: ['0.pool.ntp.org', '1.pool.ntp.org'] });
    assert.deepEqual(r.changed.sort(), ['ComputeCount', 'Debug', 'NtpServer']);
    const data = await readPlanData(fixture.uc.mistral, plan);
    assert.deepEqual(data?.parameter_defaults, { ComputeCount: 3, Debug: true, NtpServer: ['0.pool.ntp.org', '1.pool.ntp.org'] });
    const p = (await getPlanParameters(fixture.uc, plan)).parameters.find((x) => x.name === 'ComputeCount');
    assert.equal(p?.value, 3);
    assert.equal(p?.valueSource, 'plan');
  });

  it('refuses a value outside its constraints (also in a nested template) and keeps the previous values', async () => {
    // the error names the refused parameters as values, for editors to point at them
    const refused = (names: string[]) => (e: Error) =>
      e instanceof ParameterError && e.code === 'invalid-parameters' && assert.deepEqual(e.parameters, names) === undefined;
    await assert.rejects(updatePlanParameters(fixture.uc, plan, { ComputeCount: 100, Debug: true }), refused(['ComputeCount']));
    await assert.rejects(updatePlanParameters(fixture.uc, plan, { NovaComputeLibvirtType: 'xen' }), refused(['NovaComputeLibvirtType']));
    assert.equal((await readPlanData(fixture.uc.mistral, plan))?.parameter_defaults.ComputeCount, 3);
  });

  it('refuses unknown parameter names instead of dropping them, with a suggestion', async () => {
    await assert.rejects(
      updatePlanParameters(fixture.uc, plan, { ComputeCont: 2 }),
      (e: Error) =>
        e instanceof ParameterError &&
        e.code === 'unknown-parameters' &&
        /ComputeCont \(did you mean ComputeCount\?\)/.test(e.message) &&
        e.parameters.join() === 'ComputeCont',
    );
  });
});
