import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TripleOApi } from '../../src/extension/extension';
import { Ui, windowUi } from '../../src/extension/ui';
import type { NodeTreeElement } from '../../src/extension/views/nodeTreeProvider';
import type { NodeOperationResult, RegistrationResult } from '../../src/tripleo/nodes';

const EXTENSION_ID = 'vscode-tripleo.vscode-tripleo';
const hex = () => Math.floor(Math.random() * 200 + 16).toString(16);

describe('bare-metal nodes in VS Code: Register Nodes and the Nodes view (real Ironic)', function () {
  this.timeout(180_000);
  let api: TripleOApi;
  let dir: string;
  const prefix = `vsn-${Date.now().toString(36)}`;
  const names = [`${prefix}-0`, `${prefix}-1`];
  const macs = names.map((_, i) => `52:54:02:${hex()}:${hex()}:0${i}`);
  const prompts: string[] = [];

  const answering = (answers: Partial<Ui>) => {
    api.ui = { ...windowUi, ...answers };
  };
  const nodeElements = async (): Promise<(NodeTreeElement & { kind: 'node' })[]> => {
    api.nodes.refresh();
    const out: (NodeTreeElement & { kind: 'node' })[] = [];
    for (const g of await api.nodes.getChildren())
      for (const n of await api.nodes.getChildren(g)) if (n.kind === 'node' && names.includes(n.node.name ?? '')) out.push(n);
    return out.sort((a, b) => a.node.name!.localeCompare(b.node.name!));
  };

  before(async () => {
    api = await vscode.extensions.getExtension<TripleOApi>(EXTENSION_ID)!.activate();
    assert.equal(await vscode.commands.executeCommand('tripleo.connect', { kind: 'cloud', name: 'undercloud' }), true);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-exthost-nodes-'));
  });
  after(async () => {
    api.ui = windowUi;
    const uc = api.connection.undercloud;
    for (const n of (await uc?.ironic.listNodes()) ?? []) {
      if (!names.includes(n.name ?? '')) continue;
      if (n.provision_state === 'available') {
        await uc!.ironic.setProvisionState(n.uuid, 'manage').catch(() => undefined);
        await uc!.ironic.waitForProvisionState(n.uuid, 'manageable', { timeoutMs: 30_000 }).catch(() => undefined);
      }
      await uc!.ironic.deleteNode(n.uuid).catch(() => undefined);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows a bad instackenv as problems at their lines and registers nothing', async () => {
    const file = path.join(dir, 'bad-instackenv.json');
    fs.writeFileSync(file, JSON.stringify({ nodes: [{ name: names[0], pm_type: 'fake-hardware', pm_addr: '10.1.1.1', mac: ['52:54:00:zz'] }] }, null, 2));
    answering({ showWarningMessage: async (m) => (prompts.push(m), undefined) });
    const r = await vscode.commands.executeCommand('tripleo.registerNodes', vscode.Uri.file(file));
    assert.equal(r, undefined);
    assert.deepEqual(prompts, [], 'no confirmation is asked for a file with errors');
    const diags = vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'tripleo');
    assert.deepEqual(
      diags.map((d) => [d.range.start.line + 1, d.message]),
      [[8, 'node 1 (' + names[0] + '): "52:54:00:zz" is not a MAC address (six hex pairs like 52:54:00:12:34:56)']],
    );
    assert.deepEqual(await nodeElements(), []);
  });

  it('validates instackenv.json with the contributed JSON schema as it is edited', async () => {
    const file = path.join(dir, 'edit-instackenv.json');
    fs.writeFileSync(file, JSON.stringify({ nodes: [{ name: 'x', pm_type: 'fake-hardware', pm_adress: '10.0.0.1', mac: ['52:54:00:12'] }] }, null, 2));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    let diags: vscode.Diagnostic[] = [];
    for (let i = 0; i < 60 && diags.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 500));
      diags = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source !== 'tripleo');
    }
    const messages = diags.map((d) => `${d.range.start.line + 1}: ${d.message}`).sort();
    assert.ok(
      messages.some((m) => /^6: .*pm_adress.*not allowed/i.test(m)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => /^8: a MAC address/.test(m)),
      messages.join('\n'),
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('registers from a file after showing the dry run, introspects, and the view groups the nodes by state with their hardware', async () => {
    const file = path.join(dir, 'instackenv.json');
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          nodes: names.map((name, i) => ({
            name,
            pm_type: 'fake-hardware',
            pm_addr: `10.77.${hex()}.${i + 1}`,
            pm_user: 'admin',
            pm_password: 'pw-not-shown',
            mac: [macs[i]],
            cpu: 2,
            memory: 4096,
            disk: 20,
            arch: 'x86_64',
          })),
        },
        null,
        2,
      ),
    );
    let detail = '';
    answering({
      showWarningMessage: async (m, o, ...items) => {
        prompts.push(m);
        detail = o.detail ?? '';
        assert.ok(items.includes('Register and Introspect'), items.join());
        return 'Register and Introspect';
      },
    });
    const r = await vscode.commands.executeCommand<RegistrationResult>('tripleo.registerNodes', vscode.Uri.file(file));
    assert.ok(r?.ok, r?.message);
    assert.deepEqual(prompts, ['Register 2 nodes from instackenv.json?']);
    assert.match(detail, new RegExp(`^New: ${names[0]}, ${names[1]}\\nUpdated in place: none\\n`));
    assert.deepEqual(
      r.introspection?.nodes.map((n) => n.provisionState),
      ['manageable', 'manageable'],
    );

    const els = await nodeElements();
    assert.deepEqual(
      els.map((e) => e.node.provision_state),
      ['manageable', 'manageable'],
    );
    const groups = await api.nodes.getChildren();
    const manageable = groups.find((g) => g.kind === 'group' && g.state === 'manageable')!;
    assert.equal(api.nodes.getTreeItem(manageable).label, 'manageable');
    const item = api.nodes.getTreeItem(els[0]);
    assert.equal(item.label, names[0]);
    assert.match(String(item.description), /^no profile · 2 CPU · 4 GiB · 20 GB · x86_64 · (power (on|off|unknown))$/);
    assert.equal(item.contextValue, 'node.manageable');
    assert.doesNotMatch(JSON.stringify(item.tooltip), /pw-not-shown/);
  });

  it('tags the selected nodes with a role of a plan (or any profile) and provides them', async () => {
    const els = await nodeElements();
    answering({
      showQuickPick: (async (items: (vscode.QuickPickItem & { other?: boolean })[]) => items.find((i) => i.other)) as Ui['showQuickPick'],
      showInputBox: async () => 'compute',
    });
    const tagged = await vscode.commands.executeCommand<NodeOperationResult>('tripleo.tagNodes', els[0], els);
    assert.ok(tagged?.ok, tagged?.message);
    assert.equal(tagged.nodes.length, 2);
    for (const e of await nodeElements()) assert.match(String(api.nodes.getTreeItem(e).description), /profile compute/);

    const provided = await vscode.commands.executeCommand<NodeOperationResult>('tripleo.provideNodes', els[1]);
    assert.ok(provided?.ok, provided?.message);
    const after = await nodeElements();
    assert.deepEqual(
      after.map((e) => e.node.provision_state),
      ['manageable', 'available'],
    );
    const available = (await api.nodes.getChildren()).find((g) => g.kind === 'group' && g.state === 'available');
    assert.ok(available && available.kind === 'group' && available.nodes.some((n) => n.name === names[1]));
  });

  it('deletes nodes only after a modal confirmation naming them', async () => {
    const els = await nodeElements();
    answering({ showWarningMessage: async () => undefined });
    assert.equal(await vscode.commands.executeCommand('tripleo.deleteNodes', els[0]), undefined);
    assert.equal((await nodeElements()).length, 2);
    let asked = '';
    answering({ showWarningMessage: async (m, o) => ((asked = `${m} ${o.modal}`), 'Delete') });
    const r = await vscode.commands.executeCommand<NodeOperationResult>('tripleo.deleteNodes', els[0]);
    assert.ok(r?.ok, r?.message);
    assert.equal(asked, `Delete node ${names[0]} from Ironic? true`);
    assert.deepEqual(
      (await nodeElements()).map((e) => e.node.name),
      [names[1]],
    );
  });
});
