import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PlanError } from '../../src/tripleo/errors';
import { readPlanData } from '../../src/tripleo/planData';
import { renderPlanContainer } from '../../src/tripleo/planRendering';
import { createPlan, deletePlan, listPlanRoles, planFileNames, updatePlan } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { ROOT, uniqueName, undercloudProfile } from '../support/undercloud';

const SAMPLE = path.join(ROOT, 'samples/overcloud-lite');

// Jinja sources like tripleo-heat-templates': one per role, one for all roles, one included file
const ROLE_SOURCE = '# {{role}} nodes\nheat_template_version: 2016-10-14\ndescription: {{role}} role\nresources: {}\n';
const ALL_SOURCE =
  "heat_template_version: 2016-10-14\nparameters:\n{% for role in roles %}\n  {{role.name}}Count:\n    type: number\n{% endfor %}\n{% include 'common-header.j2' %}\n";

describe('plans rendered from Jinja sources (real undercloud)', function () {
  this.timeout(180_000);
  let uc: Undercloud;
  let work: string;
  let folder: string;
  const plan = uniqueName('rendered');

  before(() => {
    uc = new Undercloud(undercloudProfile());
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-rendering-'));
    folder = path.join(work, 'plan');
    fs.cpSync(SAMPLE, folder, { recursive: true });
    fs.mkdirSync(path.join(folder, 'roles'));
    fs.writeFileSync(path.join(folder, 'roles/role.role.j2.yaml'), ROLE_SOURCE);
    fs.writeFileSync(path.join(folder, 'all-roles.j2.yaml'), ALL_SOURCE);
    fs.writeFileSync(path.join(folder, 'common-header.j2'), 'outputs: {}\n');
  });
  after(async () => {
    await deletePlan(uc, plan).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
    uc.dispose();
  });

  it('creates the plan with the sources and the files rendered from roles_data.yaml beside them', async () => {
    const r = await createPlan(uc, plan, folder);
    const names = await planFileNames(uc, plan);
    for (const n of ['roles/role.role.j2.yaml', 'all-roles.j2.yaml', 'roles/controller-role.yaml', 'roles/compute-role.yaml', 'all-roles.yaml'])
      assert.ok(names.includes(n), n);
    assert.ok(r.upload.uploaded.includes('roles/compute-role.yaml'));
    assert.equal(
      await uc.swift.getObjectText(plan, 'roles/compute-role.yaml'),
      '# Compute nodes\nheat_template_version: 2016-10-14\ndescription: Compute role\nresources: {}',
    );
    assert.match(await uc.swift.getObjectText(plan, 'all-roles.yaml'), /ControllerCount:\n {4}type: number\n\n {2}ComputeCount:[^]*outputs: \{\}/);
    assert.deepEqual(
      (await listPlanRoles(uc, plan)).map((x) => x.name),
      ['Controller', 'Compute'],
    );
  });

  it('an unchanged folder uploads nothing and deletes no rendered file', async () => {
    const r = await updatePlan(uc, plan, folder);
    assert.deepEqual(r.upload.uploaded, []);
    assert.deepEqual(r.upload.deleted, []);
  });

  it('a role added to roles_data.yaml gets its rendered files on update', async () => {
    fs.appendFileSync(path.join(folder, 'roles_data.yaml'), '\n- name: CephStorage\n  CountDefault: 0\n  ServicesDefault: []\n');
    const r = await updatePlan(uc, plan, folder);
    assert.deepEqual(r.upload.uploaded.sort(), ['all-roles.yaml', 'roles/cephstorage-role.yaml', 'roles_data.yaml']);
    assert.equal(
      await uc.swift.getObjectText(plan, 'roles/cephstorage-role.yaml'),
      '# CephStorage nodes\nheat_template_version: 2016-10-14\ndescription: CephStorage role\nresources: {}',
    );
    assert.ok((await listPlanRoles(uc, plan)).some((x) => x.name === 'CephStorage'));
  });

  it('a failed upload rolls the rendered files back with the others', async () => {
    fs.appendFileSync(path.join(folder, 'roles_data.yaml'), '\n- name: ObjectStorage\n  ServicesDefault: []\n');
    await assert.rejects(
      updatePlan(uc, plan, folder, {
        beforeWrite: (name) => {
          if (name === 'roles/objectstorage-role.yaml') throw new Error('disk full (injected)');
        },
      }),
      (e: Error) => e instanceof PlanError && e.code === 'upload-failed',
    );
    const names = await planFileNames(uc, plan);
    assert.ok(!names.includes('roles/objectstorage-role.yaml'));
    assert.doesNotMatch(await uc.swift.getObjectText(plan, 'roles_data.yaml'), /ObjectStorage/);
    assert.doesNotMatch(await uc.swift.getObjectText(plan, 'all-roles.yaml'), /ObjectStorage/);
  });

  it('a render error refuses the update with file and line, before anything is written', async () => {
    const before = await uc.swift.getObjectText(plan, 'roles_data.yaml');
    fs.writeFileSync(path.join(folder, 'all-roles.j2.yaml'), 'heat_template_version: 2016-10-14\n{% for role in roles %}\n  {{role.name}}: 1\n');
    await assert.rejects(
      updatePlan(uc, plan, folder),
      (e: Error) => e instanceof PlanError && e.code === 'render-failed' && /all-roles\.j2\.yaml:\d+: /.test(e.message),
    );
    assert.equal(await uc.swift.getObjectText(plan, 'roles_data.yaml'), before);
    fs.writeFileSync(path.join(folder, 'all-roles.j2.yaml'), ALL_SOURCE);
  });

  it('a render error refuses a new plan before its container exists', async () => {
    const broken = path.join(work, 'broken');
    fs.cpSync(folder, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'roles/role.role.j2.yaml'), '{% if role %}\nname: {{role}}\n');
    const name = uniqueName('broken');
    await assert.rejects(createPlan(uc, name, broken), /render-failed|roles\/role\.role\.j2\.yaml:\d+/);
    assert.equal(await uc.swift.containerMetadata(name), undefined);
    assert.equal(await readPlanData(uc.mistral, name), undefined);
  });

  it('renders again from the container before a deploy: an edit made in the plan itself is picked up', async () => {
    const rolesData = await uc.swift.getObjectText(plan, 'roles_data.yaml');
    await uc.swift.putObject(plan, 'roles_data.yaml', `${rolesData}\n- name: Networker\n  ServicesDefault: []\n`);
    assert.deepEqual((await renderPlanContainer(uc.swift, plan)).sort(), ['all-roles.yaml', 'roles/networker-role.yaml']);
    assert.match(await uc.swift.getObjectText(plan, 'roles/networker-role.yaml'), /description: Networker role/);
    assert.deepEqual(await renderPlanContainer(uc.swift, plan), []);
  });
});
