import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { copyCorpusTree, describeCorpus } from '../support/corpus';
import { until } from '../support/until';

const hoverText = (hovers: vscode.Hover[]) => hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
const targetOf = (l: vscode.Location | vscode.LocationLink) => ('uri' in l ? { uri: l.uri, range: l.range } : { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange });

describeCorpus('the language server on a released tree (queens), rendered in memory', () => {
  let dir: string;
  let env: vscode.Uri;
  const ENV = 'parameter_defaults:\n  ControllerServices: []\n  ControllerServicez: 1\n  CustomCount: 1\n';
  const diagnosticsOf = (code: string) => vscode.languages.getDiagnostics(env).filter((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === code);
  const unknown = (name: string) => diagnosticsOf('env-unknown-parameter').some((d) => d.message.includes(`"${name}"`));
  const at = async (text: string, offset = 2) => {
    const doc = await vscode.workspace.openTextDocument(env);
    return doc.positionAt(doc.getText().indexOf(text) + offset);
  };

  before(async function () {
    this.timeout(240_000);
    dir = copyCorpusTree('queens');
    fs.writeFileSync(path.join(dir, 'environments/mine.yaml'), ENV);
    env = vscode.Uri.file(path.join(dir, 'environments/mine.yaml'));
    const count = vscode.workspace.workspaceFolders?.length ?? 0;
    assert.ok(vscode.workspace.updateWorkspaceFolders(count, 0, { uri: vscode.Uri.file(dir), name: 'queens' }));
    await vscode.window.showTextDocument(env);
    // the tree is indexed (and rendered) once ControllerServices, declared only in overcloud.j2.yaml, is known
    await until('the queens index', async () => (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', env, await at('ControllerServices:')))?.length, 200_000);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const i = vscode.workspace.workspaceFolders?.findIndex((f) => f.uri.fsPath === dir) ?? -1;
    if (i >= 0) vscode.workspace.updateWorkspaceFolders(i, 1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hovers ControllerServices with its type, description and the .j2.yaml that declares it', async () => {
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', env, await at('ControllerServices:')));
    assert.match(text, /ControllerServices/);
    assert.match(text, /comma_delimited_list/);
    assert.match(text, /services.*Controller|Controller.*services/i);
    assert.match(text, /overcloud\.j2\.yaml/);
  });

  it('goes to the line of the loop in overcloud.j2.yaml that produces ControllerServices', async () => {
    const found = (await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', env, await at('ControllerServices:'))).map(targetOf);
    assert.equal(found.length, 1);
    assert.ok(found[0].uri.fsPath.endsWith('overcloud.j2.yaml'), found[0].uri.fsPath);
    const line = fs.readFileSync(found[0].uri.fsPath, 'utf8').split('\n')[found[0].range.start.line];
    assert.match(line, /^\s+\{\{role\.name\}\}Services:/);
  });

  it('warns about ControllerServicez with a quick fix to ControllerServices', async () => {
    await until('the unknown-parameter warning', async () => unknown('ControllerServicez'));
    const d = diagnosticsOf('env-unknown-parameter').find((x) => x.message.includes('"ControllerServicez"'))!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', env, d.range);
    assert.ok(actions.some((a) => a.title === 'Change to "ControllerServices"'), JSON.stringify(actions.map((a) => a.title)));
    assert.ok(!unknown('ControllerServices'));
  });

  it('knows <Role>Count of a role added to roles_data.yaml, without a reload', async function () {
    this.timeout(120_000);
    await until('CustomCount reported unknown first', async () => unknown('CustomCount'));
    const roles = path.join(dir, 'roles_data.yaml');
    fs.appendFileSync(roles, '\n- name: Custom\n  description: a role added in the test\n  CountDefault: 0\n  ServicesDefault:\n    - OS::TripleO::Services::Kernel\n');
    // the server hears of the file from the watcher, renders again, and checks the open file again
    await until('CustomCount known', async () => !unknown('CustomCount'), 100_000);
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', env, await at('CustomCount:')));
    assert.match(text, /overcloud\.j2\.yaml/);
  });
});
