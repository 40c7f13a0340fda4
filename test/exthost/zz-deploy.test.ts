import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TripleOApi } from '../../src/extension/extension';
import { windowUi } from '../../src/extension/ui';
import type { FollowResult } from '../../src/tripleo/deploy';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { createPlan, deletePlan } from '../../src/tripleo/plans';

describe('deploying from VS Code (real Heat)', function () {
  this.timeout(240_000);
  let api: TripleOApi;
  const plan = `exdeploy-${Date.now().toString(36)}`;
  const questions: string[] = [];

  before(async () => {
    api = await vscode.extensions.getExtension<TripleOApi>('vscode-tripleo.vscode-tripleo')!.activate();
    await vscode.commands.executeCommand('tripleo.connect', { kind: 'cloud', name: 'undercloud' });
    await createPlan(api.connection.undercloud!, plan, vscode.workspace.workspaceFolders![0].uri.fsPath);
    api.ui = { ...windowUi, showWarningMessage: async (m: string, o: vscode.MessageOptions) => (questions.push(`${m} ${o.detail ?? ''}`), 'Deploy') };
  });
  after(async () => {
    api.ui = windowUi;
    const uc = api.connection.undercloud!;
    const deleting = await uc.heat.deleteStack(plan).catch(() => undefined);
    if (deleting) await uc.heat.waitForStack(deleting, { timeoutMs: 120_000 }).catch(() => undefined);
    await deletePlan(uc, plan).catch(() => undefined);
  });

  it('asks to confirm a create, deploys and follows the stack to CREATE_COMPLETE', async () => {
    const r = await vscode.commands.executeCommand<FollowResult>('tripleo.deployPlan', plan);
    assert.equal(r?.stack.stack_status, 'CREATE_COMPLETE');
    assert.match(questions[0], new RegExp(`Deploy plan "${plan}"\\? This creates its Heat stack.*does not exist yet`));
    assert.ok(r.outputs.some((o) => o.key === 'RoleHostnames'));
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    assert.ok(tabs.includes(`${plan} changes.diff`), JSON.stringify(tabs));
  });

  it('shows the plan deployed in the Plans view', async () => {
    const node = (await api.plans.getChildren()).find((n) => n.kind === 'plan' && n.plan === plan)!;
    assert.match(String(api.plans.getTreeItem(node).description), /^CREATE_COMPLETE/);
  });

  it('lists the deploy in the Executions view and opens it as JSON without the token', async () => {
    api.executions.setFilter(plan);
    const nodes = await api.executions.getChildren();
    const items = nodes.map((n) => api.executions.getTreeItem(n));
    assert.deepEqual(
      items.map((i) => i.label),
      ['deploy_plan', 'create_deployment_plan'],
    );
    assert.match(String(items[0].description), new RegExp(`^${plan} · SUCCESS · `));
    const tasks = await api.executions.getChildren(nodes[0]);
    assert.ok(tasks.some((t) => t.kind === 'task' && t.task.name === 'create_stack'));
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('tripleo.showExecution', nodes[0]);
    const token = (api.connection.state as { token: { id: string } }).token.id;
    assert.match(doc!.getText(), /"workflow": "tripleo.deployment.v1.deploy_plan"/);
    assert.ok(!doc!.getText().includes(token));
    api.executions.setFilter(undefined);
  });

  it('opens a changed template against the stack in the diff editor', async () => {
    const uc = api.connection.undercloud!;
    const template = 'puppet/controller-role.yaml';
    const text = await uc.swift.getObjectText(plan, template);
    await uc.swift.putObject(plan, template, text.replace('One Controller node.', 'One Controller node, changed from the extension test.'));
    assert.equal(await vscode.commands.executeCommand('tripleo.showDeployChange', plan, template), template);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.equal(tab?.label, `${template}: deployed ↔ to deploy`);
    const input = tab?.input as vscode.TabInputTextDiff;
    const [left, right] = await Promise.all([vscode.workspace.openTextDocument(input.original), vscode.workspace.openTextDocument(input.modified)]);
    assert.equal(right.getText(), text.replace('One Controller node.', 'One Controller node, changed from the extension test.'));
    assert.equal(left.getText(), text);
    // a file the deploy does not change is refused (the guard shows why)
    assert.equal(await vscode.commands.executeCommand('tripleo.showDeployChange', plan, 'overcloud.yaml'), undefined);
  });

  it('counts the changes since the last deploy and updates the stack', async () => {
    await updatePlanParameters(api.connection.undercloud!, plan, { ComputeCount: 1 });
    const r = await vscode.commands.executeCommand<FollowResult>('tripleo.deployPlan', plan);
    assert.equal(r?.stack.stack_status, 'UPDATE_COMPLETE');
    assert.match(
      questions[1],
      /This updates its Heat stack\. [1-9]\d* change\(s\) since the last deploy: 1 file\(s\), 0 environment\(s\), [1-9]\d* parameter\(s\)/,
    );
    const hosts = r.outputs.find((o) => o.key === 'RoleHostnames')?.value as { Compute: string[] };
    assert.equal(hosts.Compute.length, 1);
  });
});
