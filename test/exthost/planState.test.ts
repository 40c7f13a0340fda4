import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TripleOApi } from '../../src/extension/extension';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { deletePlan, updatePlanCapabilities } from '../../src/tripleo/plans';

const EXTENSION_ID = 'vscode-tripleo.vscode-tripleo';

// The connected plan's selection and values reach the language server and show in hovers.
describe('the connected plan in the language server (real undercloud)', function () {
  this.timeout(120_000);
  let api: TripleOApi;
  const plan = `exstate-${Date.now().toString(36)}`;
  const folder = () => vscode.workspace.workspaceFolders![0].uri;

  before(async () => {
    api = await vscode.extensions.getExtension<TripleOApi>(EXTENSION_ID)!.activate();
    assert.equal(await vscode.commands.executeCommand('tripleo.connect', { kind: 'cloud', name: 'undercloud' }), true);
  });
  after(async () => {
    const uc = api.connection.undercloud;
    if (uc) await deletePlan(uc, plan).catch(() => undefined);
    await api.planState.sync();
  });

  it("shows the plan's value and its selected environments in the hover of a parameter", async () => {
    assert.equal(await vscode.commands.executeCommand('tripleo.createPlan', folder(), plan), plan);
    const uc = api.connection.undercloud!;
    await updatePlanCapabilities(uc, plan, { 'environments/debug.yaml': true });
    await updatePlanParameters(uc, plan, { Debug: false });
    const sent = await api.planState.sync();
    assert.equal(sent?.plan, plan);
    assert.ok(sent.environments.includes('environments/debug.yaml'), sent.environments.join());

    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'environments/debug.yaml'));
    const at = doc.positionAt(doc.getText().indexOf('Debug:') + 2);
    let text = '';
    for (let i = 0; i < 40 && !text.includes(plan); i++) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
      text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      if (!text.includes(plan)) await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(text, new RegExp(`selected in plan \\*\\*${plan}\\*\\*: \`environments/debug.yaml\`: \`true\``));
    assert.match(text, new RegExp(`value in plan \\*\\*${plan}\\*\\*: \`false\``));
  });
});
