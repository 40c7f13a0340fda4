import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { detectFileKind } from '../../src/language/fileKind';
import { closest, TripleOLanguageService } from '../../src/language/languageService';
import { parseYaml } from '../../src/language/yamlDocument';

const service = new TripleOLanguageService();
const doc = (text: string, uri = 'file:///plan/environments/x.yaml') => TextDocument.create(uri, 'yaml', 1, text);
/** Text with a `|` caret marker: the document without it and the caret's offset. */
const withCaret = (text: string) => ({ text: text.replace('|', ''), offset: text.indexOf('|') });

describe('language service', () => {
  it('recognises file kinds by content', () => {
    const kind = (text: string, uri = 'file:///p/x.yaml') => detectFileKind(uri, parseYaml(text));
    assert.equal(kind('heat_template_version: rocky\nresources: {}\n'), 'heat-template');
    assert.equal(kind('parameter_defaults:\n  Debug: true\n'), 'environment');
    assert.equal(kind('resource_registry:\n  OS::TripleO::X: x.yaml\n'), 'environment');
    assert.equal(kind('root_template: overcloud.yaml\ntopics: []\n', 'file:///p/capabilities-map.yaml'), 'capabilities-map');
    assert.equal(kind('- name: Controller\n', 'file:///p/roles_data.yaml'), 'roles-data');
    assert.equal(kind('version: 1.0\nname: overcloud\ntemplate: overcloud.yaml\nenvironments: []\n', 'file:///p/plan-environment.yaml'), 'plan-environment');
    assert.equal(kind('foo: bar\n'), 'other');
  });

  it('parses YAML 1.1 like Heat: yes/on are booleans', () => {
    const p = parseYaml('a: yes\nb: on\nc: "yes"\n');
    assert.deepEqual(p.doc.toJS(), { a: true, b: true, c: 'yes' });
  });

  it('reports a YAML syntax error at its position', () => {
    const d = doc('parameter_defaults:\n  Debug: [true\n');
    const diags = service.validate(d);
    assert.ok(diags.length >= 1);
    assert.equal(diags[0].code, 'yaml-syntax');
    assert.ok(diags[0].range.start.line >= 1, `range ${JSON.stringify(diags[0].range)}`);
  });

  it('reports a duplicate key', () => {
    const diags = service.validate(doc('parameter_defaults:\n  A: 1\n  A: 2\n'));
    assert.deepEqual(
      diags.map((d) => d.code),
      ['yaml-duplicate-key'],
    );
  });

  it('flags an unknown top-level section of an environment file, with a suggestion', () => {
    const diags = service.validate(doc('parameter_default:\n  Debug: true\nresource_registry: {}\n'));
    assert.equal(diags.length, 1);
    assert.equal(diags[0].code, 'env-unknown-section');
    assert.match(String(diags[0].message), /did you mean "parameter_defaults"/);
    assert.deepEqual(diags[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 17 } });
  });

  it('leaves a valid environment, a template and Jinja templates alone', () => {
    assert.deepEqual(service.validate(doc('parameter_defaults:\n  Debug: true\nresource_registry:\n  OS::TripleO::X: ../x.yaml\n')), []);
    assert.deepEqual(service.validate(doc('heat_template_version: rocky\nfoo: 1\n')), []);
    assert.deepEqual(service.validate(doc('{% for role in roles %}\n  {{role.name}}: 1\n{% endfor %}\n', 'file:///p/t.j2.yaml')), []);
  });

  it('explains an environment section on hover', () => {
    const { text, offset } = withCaret('resource_registry:\n  OS::X: x.yaml\nparameter_de|faults:\n  Debug: true\n');
    const d = doc(text);
    const h = service.hover(d, d.positionAt(offset));
    assert.ok(h);
    const value = (h!.contents as { value: string }).value;
    assert.match(value, /\*\*parameter_defaults\*\*/);
    assert.match(value, /every\*\* template/);
    assert.equal(service.hover(d, { line: 1, character: 4 }), null);
  });

  it('suggests only close names', () => {
    assert.equal(closest('paramters', ['parameters', 'resource_registry']), 'parameters');
    assert.equal(closest('something_else', ['parameters']), undefined);
  });
});
