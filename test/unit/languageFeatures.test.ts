import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CompletionItem, DocumentSymbol, InsertTextFormat, TextEdit } from 'vscode-languageserver-types';
import { TripleOLanguageService } from '../../src/language/languageService';
import { buildPlanIndex, PlanIndex, updatePlanFile } from '../../src/language/planIndex';
import { lineContext } from '../../src/language/cursorContext';

import { readTree } from '../support/files';

const SAMPLE = path.resolve(__dirname, '../../../samples/overcloud-lite');
const ROOT = 'file:///plans/overcloud-lite';

function sampleFiles(): Map<string, string> {
  return readTree(SAMPLE);
}
const sampleIndex = (changes: Record<string, string> = {}): PlanIndex => {
  const files = sampleFiles();
  for (const [k, v] of Object.entries(changes)) files.set(k, v);
  return buildPlanIndex(ROOT, files);
};
const read = (file: string) => fs.readFileSync(path.join(SAMPLE, file), 'utf8');

/** A document of the sample plan from text with a `|` caret: the document and the caret's position. */
function at(file: string, textWithCaret: string) {
  const offset = textWithCaret.indexOf('|');
  const doc = TextDocument.create(`${ROOT}/${file}`, 'yaml', 1, textWithCaret.slice(0, offset) + textWithCaret.slice(offset + 1));
  return { doc, position: doc.positionAt(offset) };
}
const hoverText = (h: ReturnType<TripleOLanguageService['hover']>) => (h?.contents as { value: string } | undefined)?.value ?? '';
const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const newText = (i: CompletionItem | undefined) => (i?.textEdit as TextEdit | undefined)?.newText ?? i?.insertText;

describe('language features against the sample plan', () => {
  const index = sampleIndex();
  const service = new TripleOLanguageService();
  afterEach(() => service.setPlanState(null));

  describe('hover', () => {
    it('shows where a parameter gets its value: the locally selected environments and the connected plan', () => {
      service.setPlanState({
        plan: 'overcloud',
        environments: ['overcloud-resource-registry.yaml', 'environments/debug.yaml'],
        parameters: { ComputeCount: 5, Debug: true },
      });
      const { doc, position } = at('environments/mine.yaml', 'parameter_defaults:\n  Compute|Count: 3\n');
      const text = hoverText(service.hover(doc, position, [index]));
      assert.match(text, /\*\*ComputeCount\*\*/);
      assert.match(text, /selected in plan-environment\.yaml: `overcloud-resource-registry\.yaml`: `2`/);
      assert.match(text, /selected in plan \*\*overcloud\*\*: `overcloud-resource-registry\.yaml`: `2`/);
      assert.match(text, /value in plan \*\*overcloud\*\*: `5`/);
      const debug = at('environments/mine.yaml', 'parameter_defaults:\n  De|bug: false\n');
      assert.match(hoverText(service.hover(debug.doc, debug.position, [index])), /`environments\/debug\.yaml`: `true`/);
    });

    it('masks hidden and secret values, whatever the plan state says', () => {
      service.setPlanState({
        plan: 'overcloud',
        environments: [],
        parameters: { AdminPassword: 'sekrit-1', NovaPassword: 'sekrit-2', SshKey: 'sekrit-3' },
        hidden: ['SshKey'],
      });
      const secrets = sampleIndex({
        'environments/secrets.yaml': 'parameter_defaults:\n  AdminPassword: sekrit-4\n',
        'plan-environment.yaml': 'name: p\ntemplate: overcloud.yaml\nenvironments:\n  - path: environments/secrets.yaml\n',
      });
      const { doc, position } = at('environments/mine.yaml', 'parameter_defaults:\n  AdminPass|word: x\n');
      const text = hoverText(service.hover(doc, position, [secrets]));
      assert.match(text, /value in plan \*\*overcloud\*\*: `\*\*\*\*\*\*`/);
      assert.match(text, /`environments\/secrets\.yaml`: `\*\*\*\*\*\*`/);
      assert.doesNotMatch(text, /sekrit/);
    });

    it("masks secrets inside values (ExtraConfig hiera) and the plan state's key-like secrets", () => {
      service.setPlanState({
        plan: 'overcloud',
        environments: [],
        parameters: {
          ExtraConfig: { 'nova::rabbit_password': 'hunter2', 'nova::debug': true },
          HeatAuthEncryptionKey: 'k1',
          RabbitCookie: 'c1',
          MigrationSshKey: { private_key: 'p1' },
        },
      });
      const tpl =
        'heat_template_version: rocky\nparameters:\n  ExtraConfig:\n    type: json\n  HeatAuthEncryptionKey:\n    type: string\n  RabbitCookie:\n    type: string\n  MigrationSshKey:\n    type: json\nresources: {}\n';
      const plan = sampleIndex({ 'extra.yaml': tpl });
      for (const [name, secret] of [
        ['Extra|Config', 'hunter2'],
        ['HeatAuthEncryption|Key', 'k1'],
        ['Rabbit|Cookie', 'c1'],
        ['MigrationSsh|Key', 'p1'],
      ]) {
        const { doc, position } = at('environments/mine.yaml', `parameter_defaults:\n  ${name}: x\n`);
        const text = hoverText(service.hover(doc, position, [plan]));
        assert.match(text, /value in plan \*\*overcloud\*\*/, name);
        assert.doesNotMatch(text, new RegExp(secret), name);
      }
      const { doc, position } = at('environments/mine.yaml', 'parameter_defaults:\n  Extra|Config: x\n');
      assert.match(hoverText(service.hover(doc, position, [plan])), /"nova::debug":true/);
    });

    it('leaves out the plan state of another folder', () => {
      service.setPlanState({ plan: 'elsewhere', planFolder: 'file:///other', environments: [], parameters: { ComputeCount: 9 } });
      const { doc, position } = at('environments/mine.yaml', 'parameter_defaults:\n  Compute|Count: 3\n');
      assert.doesNotMatch(hoverText(service.hover(doc, position, [index])), /elsewhere/);
    });

    it("documents get_param in a template with that template's declaration", () => {
      const text = read('overcloud.yaml');
      const offset = text.indexOf('{get_param: ControllerCount}') + 14;
      const doc = TextDocument.create(`${ROOT}/overcloud.yaml`, 'yaml', 1, text);
      assert.match(hoverText(service.hover(doc, doc.positionAt(offset), [index])), /\*\*ControllerCount\*\*.*`number`/);
    });

    it("gives the map's title of an environment named in a resource_registry, a map's requires or the selection", () => {
      const map = read('capabilities-map.yaml');
      const doc = TextDocument.create(`${ROOT}/capabilities-map.yaml`, 'yaml', 1, map);
      const requires = map.indexOf('- environments/ssl-enable.yaml') + 5;
      assert.match(hoverText(service.hover(doc, doc.positionAt(requires), [index])), /\*\*TLS certificate\*\*\n\nInstalls the public endpoint certificate/);
      const sel = at('plan-environment.yaml', 'name: p\ntemplate: overcloud.yaml\nenvironments:\n  - path: environments/deb|ug.yaml\n');
      assert.match(hoverText(service.hover(sel.doc, sel.position, [index])), /\*\*Debug logging\*\*/);
      const missing = at('environments/mine.yaml', 'resource_registry:\n  OS::TripleO::X: ../nope/x|.yaml\n');
      assert.match(hoverText(service.hover(missing.doc, missing.position, [index])), /`nope\/x\.yaml` \(does not exist\)/);
    });
  });

  describe('completion', () => {
    it('offers the allowed values of a parameter at its value, default first', () => {
      const { doc, position } = at('environments/mine.yaml', 'parameter_defaults:\n  NovaComputeLibvirtType: |\n');
      const items = service.completion(doc, position, [index]);
      assert.deepEqual(labels(items), ['kvm', 'qemu']);
      assert.equal(items.find((i) => i.preselect)?.label, 'kvm');
      const bool = at('environments/mine.yaml', 'parameter_defaults:\n  Debug: t|\n');
      const boolItems = service.completion(bool.doc, bool.position, [index]);
      assert.deepEqual(labels(boolItems), ['true', 'false']);
      assert.deepEqual((boolItems[0].textEdit as TextEdit).range, { start: { line: 1, character: 9 }, end: { line: 1, character: 10 } });
      const hidden = at('environments/mine.yaml', 'parameter_defaults:\n  AdminPassword: |\n');
      assert.deepEqual(service.completion(hidden.doc, hidden.position, [index]), []);
    });

    it('inserts a parameter name with a snippet of its value; the detail says type and default', () => {
      const { doc, position } = at('environments/mine.yaml', 'parameter_defaults:\n  Nova|\n');
      const items = service.completion(doc, position, [index]);
      const libvirt = items.find((i) => i.label === 'NovaComputeLibvirtType');
      assert.equal(libvirt?.insertTextFormat, InsertTextFormat.Snippet);
      assert.equal(newText(libvirt), 'NovaComputeLibvirtType: ${1|kvm,qemu|}');
      assert.equal(libvirt?.detail, 'string, default kvm');
      assert.equal(libvirt?.documentation, undefined, 'documented on resolve');
      const resolved = service.resolveCompletion(libvirt!, [index]);
      assert.match((resolved.documentation as { value: string }).value, /allowed values: `"kvm"`, `"qemu"`/);
      const memory = items.find((i) => i.label === 'NovaReservedHostMemory');
      assert.equal(newText(memory), 'NovaReservedHostMemory: ${1:4096}');
      const all = service.completion(at('environments/mine.yaml', 'parameter_defaults:\n  |\n').doc, { line: 1, character: 2 }, [index]);
      assert.equal(newText(all.find((i) => i.label === 'Debug')), 'Debug: ${1|false,true|}');
      assert.equal(newText(all.find((i) => i.label === 'AdminPassword')), 'AdminPassword: $1');
      assert.equal(all.find((i) => i.label === 'AdminPassword')?.detail, 'string, default ******');
    });

    it('completes resource_registry types the plan knows and template paths relative to the file', () => {
      const keys = at('environments/mine.yaml', 'resource_registry:\n  OS::TripleO::Network: ../network/flat.yaml\n  OS::TripleO::Ser|\n');
      const types = labels(service.completion(keys.doc, keys.position, [index]));
      assert.ok(types.includes('OS::TripleO::Services::Ntp'), types.join(', '));
      assert.ok(types.includes('OS::TripleO::Tests::CreateCheck'));
      assert.ok(!types.includes('OS::TripleO::Network'), 'already mapped in this file');
      const paths = at('environments/mine.yaml', 'resource_registry:\n  OS::TripleO::Network: ../net|\n');
      const items = service.completion(paths.doc, paths.position, [index]);
      assert.ok(labels(items).includes('../network/isolated.yaml'));
      assert.ok(labels(items).includes('OS::Heat::None'));
      assert.ok(!labels(items).some((l) => String(l).includes('environments/')), 'environment files are no templates');
      assert.deepEqual((items[1].textEdit as TextEdit).range.start, { line: 1, character: 24 });
    });

    it('completes environment files in the capabilities map (file and requires)', () => {
      const map = read('capabilities-map.yaml');
      const withCaret = map.replace('              - environments/ssl-enable.yaml', '              - environments/|');
      const { doc, position } = at('capabilities-map.yaml', withCaret);
      const items = service.completion(doc, position, [index]);
      assert.ok(labels(items).includes('environments/ssl-enable.yaml'));
      assert.equal(items.find((i) => i.label === 'environments/debug.yaml')?.detail, 'Debug logging');
      assert.ok(!labels(items).includes('overcloud.yaml'));
      const file = at('capabilities-map.yaml', map.replace('          - file: environments/debug.yaml', '          - file: |'));
      assert.ok(labels(service.completion(file.doc, file.position, [index])).includes('environments/network-isolation.yaml'));
    });

    it("completes get_param with the template's parameters and get_resource/get_attr/depends_on with its resources", () => {
      const template =
        'heat_template_version: rocky\nparameters:\n  Count: {type: number, default: 2}\nresources:\n  First:\n    type: OS::Heat::Value\n    properties:\n      value: {get_param: |}\n  Second:\n    type: OS::Heat::Value\n';
      const p = at('puppet/x.yaml', template);
      const params = service.completion(p.doc, p.position, [index]);
      assert.deepEqual(labels(params), ['Count', 'OS::stack_name', 'OS::stack_id', 'OS::project_id']);
      const r = at('puppet/x.yaml', template.replace('{get_param: |}', '{get_attr: [S|'));
      assert.deepEqual(labels(service.completion(r.doc, r.position, [index])), ['First', 'Second']);
      const d = at('puppet/x.yaml', template.replace('    properties:\n      value: {get_param: |}\n', '    depends_on:\n      - |\n'));
      assert.deepEqual(labels(service.completion(d.doc, d.position, [index])), ['First', 'Second']);
      const type = at(
        'puppet/x.yaml',
        template.replace('{get_param: |}', '1').replace('  Second:\n    type: OS::Heat::Value', '  Second:\n    type: OS::TripleO::|'),
      );
      assert.ok(labels(service.completion(type.doc, type.position, [index])).includes('OS::TripleO::Services::Ntp'));
    });
  });

  describe('navigation', () => {
    it('goes from a registry path to the file, and from get_resource/get_param to the declaration', () => {
      const reg = at('environments/mine.yaml', 'resource_registry:\n  OS::TripleO::Network: ../network/iso|lated.yaml\n');
      assert.deepEqual(
        service.definition(reg.doc, reg.position, [index]).map((l) => l.uri),
        [`${ROOT}/network/isolated.yaml`],
      );
      const template =
        'heat_template_version: rocky\nparameters:\n  Count: {type: number}\nresources:\n  First:\n    type: OS::Heat::Value\n  Second:\n    type: OS::Heat::Value\n    properties:\n      value: {get_attr: [Fi|rst, value]}\n      count: {get_param: Count}\n';
      const r = at('puppet/x.yaml', template);
      assert.deepEqual(service.definition(r.doc, r.position, [index]), [
        { uri: `${ROOT}/puppet/x.yaml`, range: { start: { line: 4, character: 2 }, end: { line: 4, character: 7 } } },
      ]);
      const p = at('puppet/x.yaml', template.replace('{get_param: Count}', '{get_param: Co|unt}').replace('Fi|rst', 'First'));
      assert.deepEqual(service.definition(p.doc, p.position, [index])[0].range.start, { line: 2, character: 2 });
      const map = read('capabilities-map.yaml');
      const m = TextDocument.create(`${ROOT}/capabilities-map.yaml`, 'yaml', 1, map);
      assert.deepEqual(
        service.definition(m, m.positionAt(map.indexOf('environments/storage-lvm.yaml') + 3), [index]).map((l) => l.uri),
        [`${ROOT}/environments/storage-lvm.yaml`],
      );
    });

    it('finds every reference to a parameter across the plan: declarations, environment keys, get_param', () => {
      const { doc, position } = at('environments/mine.yaml', 'parameter_defaults:\n  De|bug: true\n');
      const refs = service.references(doc, position, [index], true).map((l) => `${l.uri.slice(ROOT.length + 1)}:${l.range.start.line}`);
      for (const f of ['overcloud.yaml', 'puppet/compute-role.yaml', 'puppet/controller-role.yaml', 'environments/debug.yaml'])
        assert.ok(
          refs.some((r) => r.startsWith(`${f}:`)),
          `${f} missing from ${refs.join(', ')}`,
        );
      const overcloud = read('overcloud.yaml').split('\n');
      const uses = refs.filter((r) => r.startsWith('overcloud.yaml:')).map((r) => overcloud[Number(r.split(':')[1])]);
      assert.ok(
        uses.some((l) => /^\s+Debug:\s*$/.test(l)),
        'the declaration',
      );
      assert.ok(
        uses.some((l) => l.includes('{get_param: Debug}')),
        'a get_param',
      );
      const without = service.references(doc, position, [index], false);
      assert.equal(without.length, refs.length - index.parameters.get('Debug')!.length, 'without the declarations');
    });

    it("finds a resource's references in its template", () => {
      const text = read('overcloud.yaml');
      const doc = TextDocument.create(`${ROOT}/overcloud.yaml`, 'yaml', 1, text);
      const refs = service.references(doc, doc.positionAt(text.indexOf('  EndpointMap:\n') + 4), [index], true);
      const lines = refs.map((r) => text.split('\n')[r.range.start.line]);
      assert.ok(lines.some((l) => /^  EndpointMap:/.test(l)));
      assert.equal(lines.filter((l) => l.includes('get_attr: [EndpointMap')).length, (text.match(/get_attr: \[EndpointMap/g) ?? []).length);
    });

    it('links the paths of registries, the map and the selection to the files that exist', () => {
      const env = TextDocument.create(
        `${ROOT}/environments/network-isolation.yaml`,
        'yaml',
        1,
        read('environments/network-isolation.yaml') + '  OS::TripleO::X: ../nope.yaml\n'.replace(/^/, ''),
      );
      const links = service.documentLinks(env, [index]);
      assert.deepEqual(
        links.map((l) => l.target),
        [`${ROOT}/network/isolated.yaml`],
      );
      const map = TextDocument.create(`${ROOT}/capabilities-map.yaml`, 'yaml', 1, read('capabilities-map.yaml'));
      const targets = service.documentLinks(map, [index]).map((l) => l.target!.slice(ROOT.length + 1));
      assert.ok(targets.includes('overcloud.yaml') && targets.includes('environments/ssl-enable.yaml'));
      assert.equal(targets.filter((t) => t === 'environments/ssl-enable.yaml').length, 2, 'its entry and the requires of ssl-endpoints');
      const sel = TextDocument.create(`${ROOT}/plan-environment.yaml`, 'yaml', 1, read('plan-environment.yaml'));
      assert.deepEqual(
        service.documentLinks(sel, [index]).map((l) => l.target!.slice(ROOT.length + 1)),
        ['overcloud.yaml', 'overcloud-resource-registry.yaml'],
      );
    });

    it('outlines a template (parameters, resources with their types, outputs) and an environment (sections and keys)', () => {
      const t = service.documentSymbols(TextDocument.create(`${ROOT}/overcloud.yaml`, 'yaml', 1, read('overcloud.yaml')));
      const byName = Object.fromEntries(t.map((s) => [s.name, s])) as Record<string, DocumentSymbol>;
      assert.deepEqual(Object.keys(byName), ['heat_template_version', 'description', 'parameter_groups', 'parameters', 'conditions', 'resources', 'outputs']);
      assert.ok(byName.parameters.children!.some((c) => c.name === 'ComputeCount' && c.detail === 'number'));
      assert.ok(byName.resources.children!.some((c) => c.name === 'Network' && c.detail === 'OS::TripleO::Network'));
      assert.ok(byName.outputs.children!.some((c) => c.name === 'KeystoneURL'));
      const e = service.documentSymbols(
        TextDocument.create(`${ROOT}/environments/network-isolation.yaml`, 'yaml', 1, read('environments/network-isolation.yaml')),
      );
      assert.deepEqual(
        e.map((s) => [s.name, s.children?.map((c) => c.name)]),
        [
          ['resource_registry', ['OS::TripleO::Network']],
          ['parameter_defaults', ['NetworkIPVersion', 'InternalApiNetCidr', 'StorageNetCidr', 'TenantNetCidr', 'ExternalNetCidr']],
        ],
      );
      assert.equal(e[1].children![0].range.start.line, 6);
      assert.deepEqual(service.documentSymbols(TextDocument.create('file:///elsewhere/ci.yaml', 'yaml', 1, 'jobs:\n  build: {}\n')), [], 'not a TripleO file');
    });
  });

  describe('quick fixes', () => {
    const apply = (text: string, edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 1, text), edits);

    it('replaces an unknown parameter or section with the suggestion', () => {
      const doc = TextDocument.create(`${ROOT}/environments/mine.yaml`, 'yaml', 1, 'parameter_default:\n  ComputeCont: 2\nparameters:\n  ComputeCont: 2\n');
      const diags = service.validate(doc, [index]);
      const actions = service.codeActions(doc, diags, [index]);
      assert.deepEqual(
        actions.map((a) => a.title),
        ['Change to "parameter_defaults"', 'Change to "ComputeCount"'],
      );
      assert.equal(
        apply(
          doc.getText(),
          actions.flatMap((a) => a.edit!.changes![doc.uri]),
        ),
        'parameter_defaults:\n  ComputeCont: 2\nparameters:\n  ComputeCount: 2\n',
      );
    });

    it('adds a missing required environment to plan-environment.yaml', () => {
      const selection =
        'version: 1.0\nname: overcloud-lite\ntemplate: overcloud.yaml\nenvironments:\n  - path: overcloud-resource-registry.yaml\n  - path: environments/ssl-endpoints.yaml\nparameter_defaults: {}\n';
      const withSel = sampleIndex({ 'plan-environment.yaml': selection });
      const doc = TextDocument.create(`${ROOT}/environments/ssl-endpoints.yaml`, 'yaml', 1, read('environments/ssl-endpoints.yaml'));
      const diags = service.validate(doc, [withSel]).filter((d) => d.code === 'env-requires-missing');
      const [action] = service.codeActions(doc, diags, [withSel]);
      assert.equal(action.title, 'Add environments/ssl-enable.yaml to plan-environment.yaml');
      const edited = apply(selection, action.edit!.changes![`${ROOT}/plan-environment.yaml`]);
      assert.equal(edited, selection.replace('ssl-endpoints.yaml\n', 'ssl-endpoints.yaml\n  - path: environments/ssl-enable.yaml\n'));
      // the fixed selection no longer draws the warning
      updatePlanFile(withSel, 'plan-environment.yaml', edited);
      assert.deepEqual(
        service.validate(doc, [withSel]).filter((d) => d.code === 'env-requires-missing'),
        [],
      );
    });

    it('removes either of two mutually exclusive environments from the selection, also from a flow list', () => {
      const selection =
        'name: overcloud-lite\ntemplate: overcloud.yaml\nenvironments:\n  - path: environments/network-flat.yaml\n  -\n    path: environments/network-isolation.yaml\n';
      const withSel = sampleIndex({ 'plan-environment.yaml': selection });
      const doc = TextDocument.create(`${ROOT}/environments/network-flat.yaml`, 'yaml', 1, read('environments/network-flat.yaml'));
      const actions = service.codeActions(doc, service.validate(doc, [withSel]), [withSel]);
      assert.deepEqual(
        actions.map((a) => a.title),
        ['Remove environments/network-isolation.yaml from plan-environment.yaml', 'Remove environments/network-flat.yaml from plan-environment.yaml'],
      );
      assert.equal(
        apply(selection, actions[0].edit!.changes![`${ROOT}/plan-environment.yaml`]),
        'name: overcloud-lite\ntemplate: overcloud.yaml\nenvironments:\n  - path: environments/network-flat.yaml\n',
      );
      const flow = 'name: p\ntemplate: overcloud.yaml\nenvironments: [{path: environments/network-flat.yaml}, {path: environments/network-isolation.yaml}]\n';
      const withFlow = sampleIndex({ 'plan-environment.yaml': flow });
      const flowActions = service.codeActions(doc, service.validate(doc, [withFlow]), [withFlow]);
      assert.equal(
        apply(flow, flowActions[1].edit!.changes![`${ROOT}/plan-environment.yaml`]),
        'name: p\ntemplate: overcloud.yaml\nenvironments:\n  - path: environments/network-isolation.yaml\n',
      );
    });
  });

  it('offers environment sections in a new file of the plan only, not in any YAML file', () => {
    const fresh = at('environments/new.yaml', '|');
    assert.ok(labels(service.completion(fresh.doc, fresh.position, [index])).includes('parameter_defaults'));
    const other = TextDocument.create('file:///elsewhere/ci.yaml', 'yaml', 1, '');
    assert.deepEqual(service.completion(other, { line: 0, character: 0 }, [index]), []);
  });

  it("reads the cursor's context from the lines above it, however broken the YAML", () => {
    const lines = [
      'topics:',
      '  - title: T',
      '    environments:',
      '      - file: x.yaml',
      '        requires:',
      '          - env',
      'parameter_defaults:',
      '  Foo: [',
      '  Ba',
    ];
    assert.deepEqual(lineContext(lines, 5, 15), { path: ['topics', 'environments', 'requires'], role: 'item', prefix: 'env', start: 12 });
    assert.deepEqual(lineContext(lines, 3, 20), { path: ['topics', 'environments', 'file'], role: 'value', prefix: 'x.yaml', start: 14 });
    assert.deepEqual(lineContext(lines, 8, 4), { path: ['parameter_defaults'], role: 'key', prefix: 'Ba', start: 2 });
  });
});
