import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TripleOApi } from '../../src/extension/extension';
import { planUri } from '../../src/extension/planFileSystem';
import { windowUi } from '../../src/extension/ui';
import type { PlanNode } from '../../src/extension/views/planTreeProvider';
import { readPlanData } from '../../src/tripleo/planData';
import { deletePlan } from '../../src/tripleo/plans';
import { until } from '../support/until';
import { LOCK_OBJECT } from '../../src/tripleo/planLock';

const EXTENSION_ID = 'vscode-tripleo.vscode-tripleo';

describe('plans in VS Code: commands and the Plans tree (real undercloud)', function () {
  this.timeout(120_000);
  let api: TripleOApi;
  const plan = `exthost-${Date.now().toString(36)}`;
  const sample = () => vscode.workspace.workspaceFolders![0].uri;

  const child = async (parent: PlanNode | undefined, match: (n: PlanNode) => boolean, what: string): Promise<PlanNode> => {
    const kids = await api.plans.getChildren(parent);
    const hit = kids.find(match);
    assert.ok(hit, `${what} not found among ${JSON.stringify(kids.map((k) => api.plans.getTreeItem(k).label))}`);
    return hit;
  };
  const planNode = () => child(undefined, (n) => n.kind === 'plan' && n.plan === plan, `plan ${plan}`);
  const section = async (name: string) => child(await planNode(), (n) => n.kind === 'section' && n.section === name, name);
  const environment = async (file: string): Promise<PlanNode & { kind: 'environment' }> => {
    for (const topic of await api.plans.getChildren(await section('environments'))) {
      for (const group of await api.plans.getChildren(topic)) {
        for (const env of await api.plans.getChildren(group)) if (env.kind === 'environment' && env.env.file === file) return env;
      }
    }
    throw new Error(`environment ${file} not in the tree`);
  };

  before(async () => {
    api = await vscode.extensions.getExtension<TripleOApi>(EXTENSION_ID)!.activate();
    assert.equal(await vscode.commands.executeCommand('tripleo.connect', { kind: 'cloud', name: 'undercloud' }), true);
  });
  after(async () => {
    api.ui = windowUi;
    const uc = api.connection.undercloud;
    if (uc) await deletePlan(uc, plan).catch(() => undefined);
  });

  it('creates a plan from the workspace folder and shows it with its sections', async () => {
    assert.equal(await vscode.commands.executeCommand('tripleo.createPlan', sample(), plan), plan);
    const node = await planNode();
    const item = api.plans.getTreeItem(node);
    assert.match(String(item.description), /not deployed · \d+ files/);
    const sections = (await api.plans.getChildren(node)).map((n) => api.plans.getTreeItem(n).label);
    assert.deepEqual(sections, ['Environments', 'Parameters', 'Roles', 'Flavors', 'Templates']);
  });

  it('shows environments as checkboxes; checking one updates the plan', async () => {
    const flat = await environment('environments/network-flat.yaml');
    assert.equal(api.plans.getTreeItem(flat).checkboxState, vscode.TreeItemCheckboxState.Unchecked);
    assert.equal(api.plans.getTreeItem(await environment('overcloud-resource-registry.yaml')).checkboxState, vscode.TreeItemCheckboxState.Checked);
    assert.deepEqual(await api.plans.applyCheckboxes([[flat, vscode.TreeItemCheckboxState.Checked]]), { ok: true });
    assert.equal(api.plans.getTreeItem(await environment('environments/network-flat.yaml')).checkboxState, vscode.TreeItemCheckboxState.Checked);
  });

  it('refuses a conflicting checkbox with the reason and changes nothing', async () => {
    const iso = await environment('environments/network-isolation.yaml');
    const r = await api.plans.applyCheckboxes([[iso, vscode.TreeItemCheckboxState.Checked]]);
    assert.equal(r.ok, false);
    assert.match(r.message ?? '', /network-flat.yaml and environments\/network-isolation.yaml are mutually exclusive/);
    assert.equal(api.plans.getTreeItem(await environment('environments/network-isolation.yaml')).checkboxState, vscode.TreeItemCheckboxState.Unchecked);
  });

  it('selects environments with the grouped multi-select QuickPick', async () => {
    api.ui = {
      ...windowUi,
      showQuickPick: (async (items: (vscode.QuickPickItem & { file?: string })[]) =>
        items.filter((i) => i.picked || i.file === 'environments/debug.yaml')) as typeof windowUi.showQuickPick,
    };
    const selected = (await vscode.commands.executeCommand<string[]>('tripleo.selectEnvironments', plan))!;
    api.ui = windowUi;
    assert.deepEqual(selected, ['overcloud-resource-registry.yaml', 'environments/network-flat.yaml', 'environments/debug.yaml']);
  });

  it('lists parameters by template with hidden values masked, roles, and templates that open read-only', async () => {
    const groups = await api.plans.getChildren(await section('parameters'));
    const labels = groups.map((g) => api.plans.getTreeItem(g).label);
    assert.ok(labels.includes('overcloud.yaml') && labels.includes('puppet/compute-role.yaml'), JSON.stringify(labels));
    const root = groups.find((g) => api.plans.getTreeItem(g).label === 'overcloud.yaml')!;
    const admin = (await api.plans.getChildren(root)).find((p) => p.kind === 'parameter' && p.param.name === 'AdminPassword')!;
    assert.equal(api.plans.getTreeItem(admin).description, '••••••');
    const roles = (await api.plans.getChildren(await section('roles'))).map((r) => api.plans.getTreeItem(r).label);
    assert.deepEqual(roles, ['Controller', 'Compute']);
    const templates = await api.plans.getChildren(await section('templates'));
    assert.ok(templates.some((t) => t.kind === 'template' && t.path === 'puppet/compute-role.yaml'));
    const doc = await vscode.workspace.openTextDocument(planUri(plan, 'overcloud.yaml'));
    assert.match(doc.getText(), /^(#.*\n)*heat_template_version/);
  });

  it('edits parameters as a YAML document: saving updates the plan', async () => {
    const uri = (await vscode.commands.executeCommand<vscode.Uri>('tripleo.editParameters', plan))!;
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.getText(), /parameter_defaults: \{\}/);
    const edit = new vscode.WorkspaceEdit();
    const at = doc.getText().indexOf('parameter_defaults: {}');
    edit.replace(
      uri,
      new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'parameter_defaults: {}'.length)),
      'parameter_defaults:\n  ComputeCount: 3\n  CloudName: lab.example.com',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(await doc.save(), true);
    const data = await readPlanData(api.connection.undercloud!.mistral, plan);
    assert.deepEqual(data?.parameter_defaults, { ComputeCount: 3, CloudName: 'lab.example.com' });
  });

  it('shows what Heat refuses as a diagnostic on the parameter and keeps the plan unchanged', async () => {
    const uri = vscode.Uri.from({ scheme: 'tripleo-parameters', path: `/${plan}/parameters.yaml` });
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = doc.getText().indexOf('ComputeCount: 3');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'ComputeCount: 3'.length)), 'ComputeCount: 500');
    await vscode.workspace.applyEdit(edit);
    assert.equal(await doc.save(), false);
    const diags = vscode.languages.getDiagnostics(uri);
    assert.equal(diags.length, 1);
    assert.match(diags[0].message, /ComputeCount/);
    assert.equal(diags[0].range.start.line, doc.positionAt(at).line);
    const data = await readPlanData(api.connection.undercloud!.mistral, plan);
    assert.equal(data?.parameter_defaults.ComputeCount, 3);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('offers to upload again when roles_data.yaml of the uploaded folder is saved, and uploads when told', async () => {
    const uri = vscode.Uri.joinPath(sample(), 'roles_data.yaml');
    const original = (await vscode.workspace.fs.readFile(uri)).toString();
    const uc = api.connection.undercloud!;
    const saveWith = async (text: string) => {
      let asked = '';
      api.ui = { ...windowUi, showWarningMessage: async (m: string) => ((asked = m), 'Upload') };
      const doc = await vscode.workspace.openTextDocument(uri);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.equal(await doc.save(), true);
      // an upload takes the plan's lock, renders and compares every file: allow a busy machine its time
      await until('the plan to get the saved roles_data.yaml', async () => (await uc.swift.getObjectText(plan, 'roles_data.yaml')) === text, 90_000);
      // and the upload to end: it holds the plan's lock until its workflow has run
      await until('the upload to release the plan', async () => !(await uc.swift.objectMetadata(plan, LOCK_OBJECT)), 90_000);
      api.ui = windowUi;
      return asked;
    };
    try {
      const asked = await saveWith(`${original}# edited by the extension-host test\n`);
      assert.match(asked, new RegExp(`plan ${plan} was uploaded from this folder and no longer matches roles_data.yaml`));
    } finally {
      await saveWith(original);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  it('uploads the unchanged folder again without sending a file', async () => {
    const r = await vscode.commands.executeCommand<{ upload: { uploaded: string[] } }>('tripleo.uploadTemplates', sample(), plan);
    assert.deepEqual(r?.upload.uploaded, []);
  });

  it('deletes the plan after a modal confirmation naming it', async () => {
    let asked = '';
    api.ui = { ...windowUi, showWarningMessage: async (m: string) => ((asked = m), 'Delete Plan') };
    assert.equal(await vscode.commands.executeCommand('tripleo.deletePlan', plan), true);
    api.ui = windowUi;
    assert.match(asked, new RegExp(`Delete the deployment plan "${plan}"`));
    const roots = await api.plans.getChildren();
    assert.ok(!roots.some((n) => n.kind === 'plan' && n.plan === plan));
    assert.ok(path.isAbsolute(sample().fsPath));
  });
});
