import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TripleOApi } from '../../src/extension/extension';
import { windowUi } from '../../src/extension/ui';
import type { ValidationNode } from '../../src/extension/views/validationTreeProvider';
import { deletePlan, createPlan } from '../../src/tripleo/plans';
import type { GroupRun, ValidationRun } from '../../src/tripleo/validations';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('validations in VS Code: the Validations view, its commands and the deploy offer (real undercloud)', function () {
  // group runs share Mistral with every other test run of the machine
  this.timeout(400_000);
  let api: TripleOApi;
  const plan = `exvalid-${Date.now().toString(36)}`;

  const groupNode = async (group: string) => {
    const groups = (await api.validations.getChildren()) as (ValidationNode & { kind: 'group' })[];
    const g = groups.find((n) => n.kind === 'group' && n.group === group);
    assert.ok(g, `group ${group} not among ${groups.map((n) => api.validations.getTreeItem(n).label).join(', ')}`);
    return g;
  };
  const validationNode = async (group: string, id: string) => {
    const v = (await api.validations.getChildren(await groupNode(group))).find((n) => n.kind === 'validation' && n.validation.id === id);
    assert.ok(v, `${id} not in ${group}`);
    return v as ValidationNode & { kind: 'validation' };
  };

  before(async () => {
    api = await vscode.extensions.getExtension<TripleOApi>('vscode-tripleo.vscode-tripleo')!.activate();
    assert.equal(await vscode.commands.executeCommand('tripleo.connect', { kind: 'cloud', name: 'undercloud' }), true);
    await createPlan(api.connection.undercloud!, plan, vscode.workspace.workspaceFolders![0].uri.fsPath);
  });
  after(async () => {
    api.ui = windowUi;
    api.validations.setPlan(undefined);
    const uc = api.connection.undercloud;
    if (uc) await deletePlan(uc, plan).catch(() => undefined);
  });

  it('picks the plan with Select Plan and shows the four groups, each validation not run yet', async () => {
    api.ui = { ...windowUi, showQuickPick: (async (items: vscode.QuickPickItem[]) => items.find((i) => i.label === plan)) as typeof windowUi.showQuickPick };
    assert.equal(await vscode.commands.executeCommand('tripleo.selectValidationPlan'), plan);
    assert.equal(api.validations.plan, plan);
    const groups = await api.validations.getChildren();
    assert.deepEqual(
      groups.map((g) => api.validations.getTreeItem(g).label),
      ['prep', 'pre-introspection', 'pre-deployment', 'post-deployment'],
    );
    const pre = api.validations.getTreeItem(await groupNode('pre-deployment'));
    assert.equal(pre.description, '5 not run');
    const counts = await validationNode('pre-deployment', 'node_counts');
    const item = api.validations.getTreeItem(counts);
    assert.equal(item.label, 'Enough available nodes for each role');
    assert.equal(item.description, 'not run');
    assert.equal(item.contextValue, 'validation.none');
  });

  it('runs one validation for the plan and shows its result and messages in the tree', async () => {
    const run = await vscode.commands.executeCommand<ValidationRun>('tripleo.runValidation', 'environment_selection');
    assert.equal(run?.result, 'pass');
    assert.equal(run.plan, plan);
    const node = await validationNode('pre-deployment', 'environment_selection');
    const item = api.validations.getTreeItem(node);
    assert.match(String(item.description), /^pass · /);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass');
    const lines = (await api.validations.getChildren(node)).map((n) => api.validations.getTreeItem(n).label);
    assert.deepEqual(lines, ['1 selected environment(s), requirements and exclusions respected', 'selected: overcloud-resource-registry.yaml']);
  });

  it('runs a group and opens its results as a readable document with the messages', async () => {
    const g = await vscode.commands.executeCommand<GroupRun>('tripleo.runValidationGroup', 'post-deployment');
    assert.equal(g?.state, 'ERROR');
    assert.equal(api.validations.getTreeItem(await groupNode('post-deployment')).description, '2 failed');
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('tripleo.showValidationResults', await groupNode('post-deployment'));
    const text = doc!.getText();
    assert.equal(doc!.languageId, 'markdown');
    assert.match(text, new RegExp(`^# Validations of the post-deployment group for ${plan}\\n\\n0 passed, 0 with warnings, 2 failed`));
    assert.match(text, new RegExp(`## Stack complete: ✘ FAIL — stack_complete for ${plan}`));
    assert.ok(text.includes(`- plan ${plan} has no stack: deploy it (tripleo deploy ${plan}) before running post-deployment validations`), text);
    const one = await vscode.commands.executeCommand<vscode.TextDocument>(
      'tripleo.showValidationResults',
      await validationNode('post-deployment', 'stack_outputs'),
    );
    assert.match(one!.getText(), /^# Stack outputs present \(`stack_outputs`\) for /);
    assert.match(one!.getText(), /## Last run: ✘ FAIL/);
  });

  it('stops a running group from the tree: the group and its running validations end CANCELLED', async () => {
    const running = vscode.commands.executeCommand<GroupRun>('tripleo.runValidationGroup', 'pre-deployment');
    let node: ValidationNode = await groupNode('pre-deployment');
    for (let i = 0; i < 60; i++) {
      node = await groupNode('pre-deployment');
      if (api.validations.getTreeItem(node).contextValue === 'validationGroup.running') break;
      await sleep(250);
    }
    assert.equal(api.validations.getTreeItem(node).contextValue, 'validationGroup.running');
    assert.equal(await vscode.commands.executeCommand('tripleo.stopValidation', node), 'CANCELLED');
    const g = await running;
    assert.equal(g?.state, 'CANCELLED');
    assert.ok(
      g.results.some((r) => r.result === 'cancelled'),
      JSON.stringify(g.results.map((r) => [r.validation, r.result])),
    );
  });

  it('deploy shows the last pre-deployment results, offers Validate First, and shows the fresh results before asking again', async () => {
    const questions: string[] = [];
    const answers: (string | undefined)[] = ['Validate First', undefined];
    api.ui = {
      ...windowUi,
      showWarningMessage: async (m: string, o: vscode.MessageOptions, ...items: string[]) => (
        questions.push(`${m}\n${o.detail ?? ''}\n[${items.join('|')}]`),
        answers.shift()
      ),
    };
    const r = await vscode.commands.executeCommand('tripleo.deployPlan', plan);
    assert.equal(r, undefined);
    assert.equal(questions.length, 2);
    assert.match(
      questions[0],
      new RegExp(`^Deploy plan "${plan}"\\? This creates its Heat stack\\.\\nThe stack does not exist yet\\.\\n\\nLast pre-deployment validations \\(`),
    );
    assert.match(questions[0], /\[Deploy\|Show Validation Results\|Validate First\]$/);
    assert.match(questions[1], /\n\nPre-deployment validations: (all 5 passed|\d of 5 failed)/);
    // nothing was deployed
    assert.equal(await api.connection.undercloud!.heat.getStack(plan), undefined);
    assert.equal(
      api.validations
        .getTreeItem(await groupNode('pre-deployment'))
        .description?.toString()
        .includes('not run'),
      false,
    );
  });
});
