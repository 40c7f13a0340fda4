import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { TripleOApi } from '../../../src/extension/extension';

import { until } from '../../support/until';

// Runs with a private copy of a released tripleo-heat-templates tree (queens) as the workspace
// (test/support/exthost.js): what the language server makes of the plan Heat would see, rendered
// from the tree's .j2.yaml files and roles_data.yaml.

const EXTENSION_ID = 'vscode-tripleo.vscode-tripleo';
const hoverText = (hovers: vscode.Hover[]) => hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
const targetOf = (l: vscode.Location | vscode.LocationLink) => ('uri' in l ? { uri: l.uri, range: l.range } : { uri: l.targetUri, range: l.targetRange });

/** An operator's own environment, added to the copy of the tree: it sets parameters only the rendered plan declares. */
const ENVIRONMENT = 'environments/exthost-operator.yaml';
const ENVIRONMENT_TEXT = [
  'parameter_defaults:',
  '  ControllerServices:',
  '    - OS::TripleO::Services::Keystone',
  '    - OS::TripleO::Services::MySQL',
  '  ComputeCount: 2',
  '  ExthostEdgeCount: 1',
  '',
].join('\n');

describe('the language server on a released tripleo-heat-templates tree', function () {
  this.timeout(120_000);
  const folder = () => vscode.workspace.workspaceFolders![0].uri;
  const file = (rel: string) => vscode.Uri.joinPath(folder(), rel);
  const diagnosticsOf = (uri: vscode.Uri, code: string) => vscode.languages.getDiagnostics(uri).filter((d) => d.code === code);
  let env: vscode.TextDocument;
  /** The position `offset` characters into the first `text` of a document. */
  const at = (doc: vscode.TextDocument, text: string, offset = 0) => {
    const i = doc.getText().indexOf(text);
    assert.ok(i >= 0, `${text} not in ${doc.uri.fsPath}`);
    return doc.positionAt(i + offset);
  };

  before(async () => {
    // VS Code for the web saves after a second by default: these edits must stay unsaved
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    await vscode.extensions.getExtension<TripleOApi>(EXTENSION_ID)!.activate();
    assert.ok(fs.existsSync(file('overcloud.j2.yaml').fsPath), 'the workspace is not a tripleo-heat-templates tree');
    fs.writeFileSync(file(ENVIRONMENT).fsPath, ENVIRONMENT_TEXT);
    env = await vscode.workspace.openTextDocument(file(ENVIRONMENT));
    // not a preview editor: opening roles_data.yaml must not replace (and close) it
    await vscode.window.showTextDocument(env, { preview: false });
    // the tree is indexed (and rendered) once the server answers a definition of a rendered parameter
    await until(
      'the rendered plan in the index',
      async () => (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', env.uri, at(env, 'ComputeCount', 2)))?.length,
      90_000,
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
  });

  it('hovers ControllerServices with its type, its description and the .j2.yaml that declares it', async () => {
    const hover = await until('a hover on ControllerServices', async () =>
      hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', env.uri, at(env, 'ControllerServices', 3))),
    );
    assert.match(hover, /\*\*ControllerServices\*\*/);
    assert.match(hover, /comma_delimited_list/);
    assert.match(hover, /A list of service resources .*which represent nested stacks/s);
    // the description as rendered for this role, and the file a person edits
    assert.match(hover, /installed on the Controller role/);
    assert.match(hover, /overcloud\.j2\.yaml/);
  });

  it('goes from ControllerServices to the line of the loop in overcloud.j2.yaml that declares it', async () => {
    const locations = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider',
      env.uri,
      at(env, 'ControllerServices', 3),
    );
    assert.equal(locations.length, 1, JSON.stringify(locations));
    const { uri, range } = targetOf(locations[0]);
    assert.equal(uri.fsPath, file('overcloud.j2.yaml').fsPath);
    const source = await vscode.workspace.openTextDocument(uri);
    assert.match(source.lineAt(range.start.line).text, /^ {2}\{\{role\.name\}\}Services:\s*$/);
  });

  it("finds ControllerServices' uses in overcloud.j2.yaml and completes a rendered parameter with its .j2.yaml", async () => {
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', env.uri, at(env, 'ControllerServices', 3));
    const source = await vscode.workspace.openTextDocument(file('overcloud.j2.yaml'));
    const inSource = refs.filter((r) => r.uri.fsPath === source.uri.fsPath).map((r) => source.lineAt(r.range.start.line).text.trim());
    // the loop's declaration and the get_param of the role's service chain, both as written in the source
    assert.ok(inSource.includes('{{role.name}}Services:'), inSource.join('\n'));
    assert.ok(inSource.includes('get_param: {{role.name}}Services'), inSource.join('\n'));
    assert.ok(refs.some((r) => r.uri.fsPath === env.uri.fsPath));
    const editor = await vscode.window.showTextDocument(env, { preview: false });
    const end = env.positionAt(env.getText().length);
    await editor.edit((e) => e.insert(end, '  ControllerExtra'));
    try {
      const position = end.translate(0, '  ControllerExtra'.length);
      const complete = (resolve?: number) =>
        vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', env.uri, position, undefined, resolve);
      const isWanted = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label) === 'ControllerExtraConfig';
      // details are resolved one item at a time, as when it is selected in the list
      const at = (await complete()).items.findIndex(isWanted);
      const list = await complete(at + 1);
      const item = list.items.find(isWanted);
      assert.ok(item, `${list.items.length} items without ControllerExtraConfig`);
      const docs = typeof item.documentation === 'string' ? item.documentation : item.documentation?.value;
      assert.match(docs ?? '', /`overcloud\.j2\.yaml` line \d+ \(rendered as `overcloud\.yaml`\)/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    assert.equal(env.getText(), ENVIRONMENT_TEXT);
  });

  it('warns about a misspelled ControllerServicez and fixes it to ControllerServices', async () => {
    const editor = await vscode.window.showTextDocument(env, { preview: false });
    // the file has been checked once the role that does not exist yet is reported; nothing else is unknown
    const unknown = () => diagnosticsOf(env.uri, 'env-unknown-parameter').map((d) => d.message);
    await until('the check of the environment as saved', () => unknown().length === 1 && /ExthostEdgeCount/.test(unknown()[0])).catch(() => {
      assert.fail(unknown().join('\n'));
    });
    const s = at(env, 'ControllerServices:', 'ControllerService'.length);
    await editor.edit((e) => e.replace(new vscode.Range(s, s.translate(0, 1)), 'z'));
    assert.match(env.lineAt(1).text, /^ {2}ControllerServicez:$/);
    const diag = await until('the unknown-parameter warning', () =>
      diagnosticsOf(env.uri, 'env-unknown-parameter').find((d) => /ControllerServicez/.test(d.message)),
    );
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diag.range.start.line, 1);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      env.uri,
      diag.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Change to "ControllerServices"');
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
    await vscode.workspace.applyEdit(fix.edit);
    assert.equal(env.getText(), ENVIRONMENT_TEXT);
    await until('no warning on ControllerServices', () => !diagnosticsOf(env.uri, 'env-unknown-parameter').some((d) => /ControllerService/.test(d.message)));
  });

  it('knows <Role>Count of a role added to roles_data.yaml as it is typed, without a save or a reload', async () => {
    const unknownEdgeCount = () => diagnosticsOf(env.uri, 'env-unknown-parameter').find((d) => /ExthostEdgeCount/.test(d.message));
    const before = await until('ExthostEdgeCount reported unknown', unknownEdgeCount);
    assert.equal(before.range.start.line, 5);
    const roles = await vscode.workspace.openTextDocument(file('roles_data.yaml'));
    const editor = await vscode.window.showTextDocument(roles, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    await editor.edit((e) =>
      e.insert(
        roles.positionAt(roles.getText().length),
        [
          '',
          '- name: ExthostEdge',
          '  description: an edge role typed in the editor by the test',
          '  CountDefault: 0',
          '  ServicesDefault:',
          '    - OS::TripleO::Services::Timezone',
          '',
        ].join('\n'),
      ),
    );
    await until('ExthostEdgeCount known', () => !unknownEdgeCount(), 60_000);
    // known, not merely no longer checked: the environment is still open
    assert.ok(vscode.workspace.textDocuments.includes(env), 'the environment was closed');
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', env.uri, at(env, 'ExthostEdgeCount', 3)));
    assert.match(hover, /\*\*ExthostEdgeCount\*\*/);
    assert.match(hover, /overcloud\.j2\.yaml/);
    // the unsaved edit is the only change: reverting it makes the role unknown again
    assert.ok(roles.isDirty, 'roles_data.yaml was saved');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(roles.isDirty, false);
    assert.doesNotMatch(roles.getText(), /ExthostEdge/);
    await until('ExthostEdgeCount unknown again', unknownEdgeCount, 60_000);
  });
  it('reports a Jinja error in a .j2.yaml at its line, as it is typed, and clears it on revert', async () => {
    const source = await vscode.workspace.openTextDocument(file('overcloud.j2.yaml'));
    const editor = await vscode.window.showTextDocument(source, { preview: false });
    const line = at(source, '{% for role in roles %}').line;
    await editor.edit((e) => e.insert(new vscode.Position(line, 0), '{% for role in %}\n'));
    const diag = await until('the Jinja error', () => diagnosticsOf(source.uri, 'jinja-error')[0], 60_000);
    assert.equal(diag.range.start.line, line);
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diag.message, /^Jinja: /);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(source.isDirty, false);
    await until('no Jinja error', () => diagnosticsOf(source.uri, 'jinja-error').length === 0, 60_000);
  });
});
