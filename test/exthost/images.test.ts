import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TripleOApi } from '../../src/extension/extension';
import type { ImageTreeElement } from '../../src/extension/views/imageTreeProvider';
import type { PlanNode } from '../../src/extension/views/planTreeProvider';
import { IMAGE_SPECS, UploadResult } from '../../src/tripleo/images';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { createPlan, deletePlan } from '../../src/tripleo/plans';

const EXTENSION_ID = 'vscode-tripleo.vscode-tripleo';
const SAMPLE = path.resolve(__dirname, '../../../samples/overcloud-lite');
const unique = (p: string) => `${p}-${Date.now().toString(36)}-${crypto.randomBytes(2).toString('hex')}`;

describe('images, flavors and the first-deployment walkthrough in VS Code (real Glance and Nova)', function () {
  this.timeout(240_000);
  let api: TripleOApi;
  let dir: string;
  const plan = unique('vsf');
  const flavors = [unique('control'), unique('compute')];

  const tripleoImages = async (uc: NonNullable<TripleOApi['connection']['undercloud']>) => {
    const names = IMAGE_SPECS.map((s) => s.name);
    return (await uc.glance.listImages()).filter((i) => names.some((n) => i.name === n || i.name?.startsWith(`${n}_`)));
  };

  before(async () => {
    api = await vscode.extensions.getExtension<TripleOApi>(EXTENSION_ID)!.activate();
    assert.equal(await vscode.commands.executeCommand('tripleo.connect', { kind: 'cloud', name: 'undercloud' }), true);
    const uc = api.connection.undercloud!;
    for (const i of await tripleoImages(uc)) await uc.glance.deleteImage(i.id);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-exthost-images-'));
    for (const s of IMAGE_SPECS) fs.writeFileSync(path.join(dir, s.file), crypto.randomBytes(48 * 1024));
  });

  after(async () => {
    const uc = api.connection.undercloud;
    if (uc) {
      for (const f of await uc.nova.listFlavors()) if (flavors.includes(f.name)) await uc.nova.deleteFlavor(f.id);
      await deletePlan(uc, plan).catch(() => undefined);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the walkthrough: each step's button runs its command through tripleo.walkthrough.run and completes on its context key; Connect is checked off", async () => {
    // that it opens and shows its checkmarks is the UI test's part (this extension host's Welcome editor keeps its own walkthrough)
    await vscode.commands.executeCommand('tripleo.openWalkthrough');
    const walkthroughs = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.walkthroughs as {
      id: string;
      steps: { id: string; description: string; completionEvents: string[] }[];
    }[];
    assert.equal(walkthroughs[0].id, 'firstDeployment');
    const steps = walkthroughs[0].steps;
    assert.deepEqual(
      steps.map((s) => s.id),
      [
        'connect',
        'createPlan',
        'selectEnvironments',
        'registerNodes',
        'uploadImages',
        'configureNodes',
        'introspectNodes',
        'provideNodes',
        'syncFlavors',
        'runValidations',
        'deploy',
      ],
    );
    for (const s of steps) {
      assert.ok(s.completionEvents.includes(`onContext:tripleo.walkthrough.${s.id}`), s.id);
      assert.ok(s.description.includes(`(command:tripleo.walkthrough.run?${encodeURIComponent(JSON.stringify([s.id]))})`), s.id);
    }
    assert.ok(api.walkthrough.done.has('connect'));
  });

  it('the Upload Images step runs Upload Images on a folder, is checked off, and the Images view shows what Glance holds', async () => {
    assert.ok(!api.walkthrough.done.has('uploadImages'));
    const completed = new Promise<string>((resolve) => api.walkthrough.onDidComplete((id) => id === 'uploadImages' && resolve(id)));
    const r = (await vscode.commands.executeCommand('tripleo.walkthrough.run', 'uploadImages', vscode.Uri.file(dir))) as UploadResult;
    assert.deepEqual(
      r.images.map((i) => i.action),
      IMAGE_SPECS.map(() => 'uploaded'),
    );
    assert.equal(await completed, 'uploadImages');
    assert.ok(api.walkthrough.done.has('uploadImages'));
    const rows = (await api.images.getChildren()) as (ImageTreeElement & { kind: 'image' })[];
    assert.deepEqual(
      rows.map((e) => [e.spec.name, e.image?.id]),
      r.images.map((i) => [i.name, i.id]),
    );
    const item = api.images.getTreeItem(rows[2]);
    assert.equal(item.label, 'overcloud-full');
    assert.match(String(item.description), /^qcow2 · 0\.0 MiB$/);
    assert.match(String(item.tooltip), new RegExp(`kernel ${r.images[0].id}`));
  });

  it('a step whose command fails is not checked off: Configure Nodes with no deploy images in Glance', async () => {
    const uc = api.connection.undercloud!;
    for (const i of await tripleoImages(uc)) await uc.glance.deleteImage(i.id);
    const done = [...api.walkthrough.done];
    assert.ok(!done.includes('configureNodes'));
    const r = await vscode.commands.executeCommand('tripleo.walkthrough.run', 'configureNodes');
    assert.equal(r, undefined);
    assert.deepEqual([...api.walkthrough.done], done);
    api.images.refresh();
    assert.deepEqual(
      (await api.images.getChildren()).map((e) => (e.kind === 'image' ? [e.spec.name, e.image] : e)),
      IMAGE_SPECS.map((s) => [s.name, undefined]),
    );
    assert.match(String(api.images.getTreeItem((await api.images.getChildren())[0]).description), /^missing \(overcloud-full\.vmlinuz\)$/);
  });

  it("Sync Flavors on a plan: the Flavors section shows each role's flavor, its profile and the available nodes carrying it", async () => {
    const uc = api.connection.undercloud!;
    await createPlan(uc, plan, SAMPLE);
    await updatePlanParameters(uc, plan, { OvercloudControllerFlavor: flavors[0], OvercloudComputeFlavor: flavors[1] });
    const section: PlanNode = { kind: 'section', plan, section: 'flavors' };
    const before = (await api.plans.getChildren(section)).map((n) => api.plans.getTreeItem(n).description);
    assert.deepEqual(before, [
      `${flavors[0]} (not in Nova) · profile ${flavors[0]} · 0 available node(s)`,
      `${flavors[1]} (not in Nova) · profile ${flavors[1]} · 0 available node(s)`,
    ]);
    await vscode.commands.executeCommand('tripleo.walkthrough.run', 'syncFlavors', plan);
    assert.ok(api.walkthrough.done.has('syncFlavors'));
    const after = (await api.plans.getChildren(section)).map((n) => [api.plans.getTreeItem(n).label, api.plans.getTreeItem(n).description]);
    assert.deepEqual(after, [
      ['Controller', `${flavors[0]} · profile ${flavors[0]} · 0 available node(s)`],
      ['Compute', `${flavors[1]} · profile ${flavors[1]} · 0 available node(s)`],
    ]);
    assert.ok((await api.plans.getChildren({ kind: 'plan', plan, files: 0 })).some((n) => n.kind === 'section' && n.section === 'flavors'));
  });
});
