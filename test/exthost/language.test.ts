import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TripleOApi } from '../../src/extension/extension';
import { pushPlanState } from '../../src/extension/languageClient';

import { until } from '../support/until';

const EXTENSION_ID = 'vscode-tripleo.vscode-tripleo';

/** The part of vscode-textmate (shipped inside VS Code) that the grammar test uses. */
interface TextMate {
  INITIAL: unknown;
  Registry: new (options: unknown) => {
    loadGrammar(scope: string): Promise<{
      tokenizeLine(line: string, state: unknown): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown };
    } | null>;
  };
  parseRawGrammar(content: string, file?: string): unknown;
}

const hoverText = (hovers: vscode.Hover[]) => hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
const labels = (list: vscode.CompletionList) => list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
const targetOf = (l: vscode.Location | vscode.LocationLink) => ('uri' in l ? l.uri : l.targetUri);

describe('the language server in VS Code (samples/overcloud-lite)', function () {
  this.timeout(60_000);
  let api: TripleOApi;
  const folder = () => vscode.workspace.workspaceFolders![0].uri;
  const file = (rel: string) => vscode.Uri.joinPath(folder(), rel);
  /** Opens a file of the sample and finds a text in it: the position `offset` characters into it. */
  const find = async (rel: string, text: string, offset = 0) => {
    const doc = await vscode.workspace.openTextDocument(file(rel));
    const at = doc.getText().indexOf(text);
    assert.ok(at >= 0, `${text} not in ${rel}`);
    return { doc, uri: doc.uri, position: doc.positionAt(at + offset) };
  };
  // the sample must be left as it was: every file is compared with its text before the tests
  const snapshot = new Map<string, string>();
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));

  before(async () => {
    api = await vscode.extensions.getExtension<TripleOApi>(EXTENSION_ID)!.activate();
    for (const f of walk(folder().fsPath)) snapshot.set(f, fs.readFileSync(f, 'utf8'));
    // the plan folder is indexed once the server answers a definition in it
    const { uri, position } = await find('environments/debug.yaml', 'Debug:', 2);
    await until(
      'the plan index',
      async () => (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', uri, position))?.length,
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const client = api.languageClient();
    if (client) await pushPlanState(client, null);
    const now = walk(folder().fsPath);
    assert.deepEqual(now.sort(), [...snapshot.keys()].sort(), 'files were added to or removed from the sample');
    // put back whatever changed before failing, so that no later test (or run) sees a modified sample
    const changed = now.filter((f) => fs.readFileSync(f, 'utf8') !== snapshot.get(f));
    for (const f of changed) fs.writeFileSync(f, snapshot.get(f)!);
    assert.deepEqual(changed, [], 'sample files were changed');
  });

  it('hovers a parameter with the values of the selected environments and of the connected plan (secrets masked)', async () => {
    const client = api.languageClient();
    assert.ok(client, 'no language client');
    await pushPlanState(client, {
      plan: 'exthost-plan',
      planFolder: folder().toString(),
      environments: ['overcloud-resource-registry.yaml', 'environments/debug.yaml'],
      parameters: { ComputeCount: 7, AdminPassword: 'exthost-secret' },
    });
    const { uri, position } = await find('environments/network-isolation.yaml', 'NetworkIPVersion', 3);
    const hover = await until("a hover with the plan's values", async () => {
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position));
      return text.includes('exthost-plan') ? text : undefined;
    });
    assert.match(hover, /\*\*NetworkIPVersion\*\*/);
    assert.match(hover, /no environment selected in plan-environment\.yaml sets it/);
    const count = await find('overcloud-resource-registry.yaml', 'ComputeCount', 3);
    const countHover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', count.uri, count.position));
    assert.match(countHover, /selected in plan-environment\.yaml: `overcloud-resource-registry\.yaml`: `2`/);
    assert.match(countHover, /value in plan \*\*exthost-plan\*\*: `7`/);
    const secret = await find('overcloud.yaml', '{get_param: AdminPassword}', '{get_param: '.length + 2);
    const secretHover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', secret.uri, secret.position));
    assert.match(secretHover, /value in plan \*\*exthost-plan\*\*: `\*\*\*\*\*\*`/);
    assert.doesNotMatch(secretHover, /exthost-secret/);
  });

  it("hovers a registry path and a map entry with the map's title", async () => {
    const { uri, position } = await find('capabilities-map.yaml', 'environments/ssl-enable.yaml', 5);
    assert.match(hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)), /\*\*TLS certificate\*\*/);
    const reg = await find('environments/network-isolation.yaml', '../network/isolated.yaml', 5);
    assert.match(
      hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', reg.uri, reg.position)),
      /`network\/isolated\.yaml`/,
    );
  });

  it('completes allowed values, registry types and paths, map paths and get_param arguments', async () => {
    const complete = async (rel: string, text: string, offset: number) => {
      const { uri, position } = await find(rel, text, offset);
      return labels(await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position));
    };
    assert.deepEqual((await complete('overcloud-resource-registry.yaml', 'NovaComputeLibvirtType: ', 'NovaComputeLibvirtType: '.length)).sort(), [
      'kvm',
      'qemu',
    ]);
    const types = await complete('environments/network-isolation.yaml', 'OS::TripleO::Network', 0);
    assert.ok(types.includes('OS::TripleO::Services::Ntp') && !types.includes('OS::TripleO::Network'), types.join(', '));
    const paths = await complete('environments/network-isolation.yaml', '../network/isolated.yaml', 0);
    assert.ok(paths.includes('../network/flat.yaml') && paths.includes('OS::Heat::None'), paths.join(', '));
    const envs = await complete('capabilities-map.yaml', 'environments/debug.yaml', 0);
    assert.ok(envs.includes('environments/storage-lvm.yaml'), envs.join(', '));
    const params = await complete('overcloud.yaml', '{get_param: ControllerCount}', '{get_param: '.length);
    assert.ok(params.includes('ControllerCount') && params.includes('OS::stack_name'), params.join(', '));
    const resources = await complete('overcloud.yaml', '{get_attr: [EndpointMap', '{get_attr: ['.length);
    assert.ok(resources.includes('EndpointMap') && resources.includes('Network'), resources.join(', '));
  });

  it("goes to a registry target and to the resource of get_attr; finds a parameter's references across the plan", async () => {
    const reg = await find('environments/network-isolation.yaml', '../network/isolated.yaml', 4);
    const locs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', reg.uri, reg.position);
    assert.deepEqual(
      locs.map((l) => path.relative(folder().fsPath, targetOf(l).fsPath)),
      ['network/isolated.yaml'],
    );
    const attr = await find('overcloud.yaml', '{get_attr: [EndpointMap', '{get_attr: ['.length + 2);
    const [decl] = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', attr.uri, attr.position);
    const line = attr.doc.lineAt(('range' in decl ? decl.range : decl.targetRange).start.line).text;
    assert.match(line, /^ {2}EndpointMap:/);
    const debug = await find('environments/debug.yaml', 'Debug:', 2);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', debug.uri, debug.position);
    const files = new Set(refs.map((r) => path.relative(folder().fsPath, r.uri.fsPath)));
    for (const f of ['overcloud.yaml', 'environments/debug.yaml', 'puppet/compute-role.yaml'])
      assert.ok(files.has(f), `${f} not among ${[...files].join(', ')}`);
  });

  it("outlines a template and links an environment's registry paths", async () => {
    const { uri } = await find('overcloud.yaml', 'resources:');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    const resources = symbols.find((s) => s.name === 'resources');
    assert.ok(
      resources?.children.some((c) => c.name === 'Network' && c.detail === 'OS::TripleO::Network'),
      JSON.stringify(symbols.map((s) => s.name)),
    );
    assert.ok(symbols.find((s) => s.name === 'parameters')?.children.some((c) => c.name === 'ComputeCount'));
    const env = await find('environments/network-isolation.yaml', 'resource_registry');
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', env.uri);
    assert.deepEqual(
      links.map((l) => path.relative(folder().fsPath, l.target!.fsPath)),
      ['network/isolated.yaml'],
    );
  });

  it('offers a quick fix for a misspelled section', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'parameter_default:\n  Debug: true\nresource_registry: {}\n' });
    await vscode.window.showTextDocument(doc);
    const [diag] = await until('the diagnostic', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length ? d : undefined;
    });
    assert.equal(diag.code, 'env-unknown-section');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      diag.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Change to "parameter_defaults"');
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
    await vscode.workspace.applyEdit(fix.edit);
    assert.equal(doc.getText(), 'parameter_defaults:\n  Debug: true\nresource_registry: {}\n');
    await until('no diagnostic', () => vscode.languages.getDiagnostics(doc.uri).length === 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('adds a missing required environment to plan-environment.yaml with a quick fix (unsaved, then reverted)', async () => {
    const selection = await vscode.workspace.openTextDocument(file('plan-environment.yaml'));
    const editor = await vscode.window.showTextDocument(selection);
    try {
      const entry = '  - path: overcloud-resource-registry.yaml\n';
      const at = selection.positionAt(selection.getText().indexOf(entry) + entry.length);
      await editor.edit((e) => e.insert(at, '  - path: environments/ssl-endpoints.yaml\n'));
      const endpoints = await vscode.workspace.openTextDocument(file('environments/ssl-endpoints.yaml'));
      const diag = await until('the requires warning', () => vscode.languages.getDiagnostics(endpoints.uri).find((d) => d.code === 'env-requires-missing'));
      assert.match(diag.message, /requires environments\/ssl-enable\.yaml/);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        endpoints.uri,
        diag.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fix = actions.find((a) => a.title === 'Add environments/ssl-enable.yaml to plan-environment.yaml');
      assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
      await vscode.workspace.applyEdit(fix.edit);
      assert.match(selection.getText(), /- path: environments\/ssl-endpoints\.yaml\n {2}- path: environments\/ssl-enable\.yaml\n/);
      await until('the warning gone', () => !vscode.languages.getDiagnostics(endpoints.uri).some((d) => d.code === 'env-requires-missing'));
    } finally {
      // the original text, saved: the file ends as it was even if something saved the edited one meanwhile
      const original = snapshot.get(selection.uri.fsPath)!;
      const restore = new vscode.WorkspaceEdit();
      restore.replace(selection.uri, new vscode.Range(selection.positionAt(0), selection.positionAt(selection.getText().length)), original);
      await vscode.workspace.applyEdit(restore);
      await selection.save();
    }
    assert.equal(selection.isDirty, false);
    assert.equal(fs.readFileSync(selection.uri.fsPath, 'utf8'), snapshot.get(selection.uri.fsPath));
  });

  it("colours Heat functions and resource types with the injection grammar (VS Code's own TextMate engine)", async () => {
    const contribution = (
      vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { grammars: { scopeName: string; path: string; injectTo: string[] }[] } }
    ).contributes.grammars;
    const heat = contribution.find((g) => g.scopeName === 'heat.injection');
    assert.deepEqual(heat?.injectTo, ['source.yaml']);
    const app = vscode.env.appRoot;
    const tm = require(path.join(app, 'node_modules/vscode-textmate')) as TextMate;
    const onig = require(path.join(app, 'node_modules/vscode-oniguruma')) as {
      loadWASM(b: ArrayBuffer): Promise<void>;
      OnigScanner: new (p: string[]) => unknown;
      OnigString: new (s: string) => unknown;
    };
    const wasm = fs.readFileSync(path.join(app, 'node_modules/vscode-oniguruma/release/onig.wasm'));
    await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).catch(() => undefined);
    const yamlDir = path.join(app, 'extensions/yaml/syntaxes');
    const grammarFiles = new Map<string, string>([['heat.injection', vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath + '/' + heat!.path]]);
    for (const f of fs.readdirSync(yamlDir))
      grammarFiles.set((JSON.parse(fs.readFileSync(path.join(yamlDir, f), 'utf8')) as { scopeName: string }).scopeName, path.join(yamlDir, f));
    const registry = new tm.Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new onig.OnigScanner(p), createOnigString: (s: string) => new onig.OnigString(s) }),
      loadGrammar: async (scope: string) =>
        grammarFiles.has(scope) ? tm.parseRawGrammar(fs.readFileSync(grammarFiles.get(scope)!, 'utf8'), grammarFiles.get(scope)) : null,
      getInjections: (scope: string) => (scope === 'source.yaml' ? ['heat.injection'] : undefined),
    });
    const grammar = (await registry.loadGrammar('source.yaml'))!;
    const scopes = (lines: string[]) => {
      let state = tm.INITIAL;
      const out: Record<string, string> = {};
      for (const line of lines) {
        const r = grammar.tokenizeLine(line, state);
        for (const t of r.tokens) out[line.slice(t.startIndex, t.endIndex)] = t.scopes[t.scopes.length - 1];
        state = r.ruleStack;
      }
      return out;
    };
    const s = scopes([
      'resources:',
      '  A:',
      '    type: OS::TripleO::Services::Ntp',
      '    properties:',
      '      value: {get_param: Count}',
      '      c: {if: [cond, {get_attr: [A, b]}, b]}',
      '      # get_resource: A',
      '      get_params: x',
    ]);
    assert.equal(s['OS::TripleO::Services::Ntp'], 'support.type.resource.heat');
    assert.equal(s['get_param'], 'support.function.intrinsic.heat');
    assert.equal(s['get_attr'], 'support.function.intrinsic.heat');
    assert.equal(s['if'], 'keyword.control.condition.heat');
    assert.equal(s['get_params'], 'entity.name.tag.yaml');
    assert.ok(!Object.entries(s).some(([text, scope]) => text.includes('get_resource') && scope.endsWith('.heat')), 'a comment is not coloured');
  });
});
