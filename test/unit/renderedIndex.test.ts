import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TripleOLanguageService } from '../../src/language/languageService';
import { buildPlanIndex, updatePlanFile } from '../../src/language/planIndex';

const ROOT = 'file:///plan';
const MAP = 'topics: []\n';
const ROLES = '- name: Controller\n  CountDefault: 1\n';
const OVERCLOUD = [
  'heat_template_version: 2016-10-14',
  'parameters:',
  '{% for role in roles %}',
  '  {{role.name}}Count:',
  '    type: number',
  '    default: 1',
  '    description: how many {{role.name}} nodes',
  '{% endfor %}',
  'resources:',
  '{% for role in roles %}',
  '  {{role.name}}:',
  '    type: OS::Heat::ResourceGroup',
  '    properties:',
  '      count: {get_param: {{role.name}}Count}',
  '      bad: {get_param: Nope}',
  '{% endfor %}',
  '',
].join('\n');

function plan(extra: Record<string, string> = {}) {
  return buildPlanIndex(
    ROOT,
    new Map(
      Object.entries({
        'capabilities-map.yaml': MAP,
        'roles_data.yaml': ROLES,
        'overcloud.j2.yaml': OVERCLOUD,
        'environments/mine.yaml': 'parameter_defaults:\n  ControllerCount: 2\n  ComputeCount: 1\n',
        ...extra,
      }),
    ),
  );
}

describe('the index of a rendered plan', () => {
  const service = new TripleOLanguageService();

  it('declares what the Jinja sources render, on the source line that produces it', () => {
    const index = plan();
    const [def] = index.parameters.get('ControllerCount')!;
    assert.deepEqual([def.template, def.line, def.rendered], ['overcloud.j2.yaml', 3, 'overcloud.yaml']);
    assert.ok(index.files.has('overcloud.yaml'));
    const doc = TextDocument.create(`${ROOT}/environments/mine.yaml`, 'yaml', 1, 'parameter_defaults:\n  ControllerCount: 2\n  ComputeCount: 1\n');
    const found = service.validate(doc, [index]).filter((d) => d.code === 'env-unknown-parameter');
    assert.deepEqual(
      found.map((d) => d.range.start.line),
      [2],
    );
    const hover = service.hover(doc, { line: 1, character: 4 }, [index]);
    assert.match(JSON.stringify(hover), /overcloud\.j2\.yaml. line 4/);
    assert.deepEqual(
      service.definition(doc, { line: 1, character: 4 }, [index]).map((l) => [l.uri, l.range.start.line]),
      [[`${ROOT}/overcloud.j2.yaml`, 3]],
    );
  });

  it('renders again when roles_data.yaml changes: a new role is known at once', () => {
    const index = plan();
    assert.equal(index.parameters.has('ComputeCount'), false);
    assert.equal(updatePlanFile(index, 'roles_data.yaml', `${ROLES}- name: Compute\n`), true);
    assert.equal(index.parameters.get('ComputeCount')?.[0].template, 'overcloud.j2.yaml');
  });

  it('checks a .j2.yaml as the files it renders to, on its own lines, and a Jinja error at its line', () => {
    const index = plan();
    const doc = TextDocument.create(`${ROOT}/overcloud.j2.yaml`, 'yaml', 1, OVERCLOUD);
    const found = service.validate(doc, [index]);
    assert.deepEqual(
      found.map((d) => [d.code, d.range.start.line]),
      [['template-undefined-parameter', 14]],
    );
    const broken = OVERCLOUD.replace('{% endfor %}\nresources', '{% endfo %}\nresources');
    updatePlanFile(index, 'overcloud.j2.yaml', broken);
    const errors = service.validate(TextDocument.create(`${ROOT}/overcloud.j2.yaml`, 'yaml', 2, broken), [index]);
    assert.ok(
      errors.some((d) => d.code === 'jinja-error' && d.severity === 1),
      JSON.stringify(errors),
    );
  });

  it('resolves /usr/share/openstack-tripleo-heat-templates/ in a registry to the plan root', () => {
    const index = plan({ 'puppet/x.yaml': 'heat_template_version: 2016-10-14\n' });
    const text =
      'resource_registry:\n  OS::TripleO::X: /usr/share/openstack-tripleo-heat-templates/puppet/x.yaml\n  OS::TripleO::Y: /usr/share/openstack-tripleo-heat-templates/puppet/y.yaml\n';
    const found = service
      .validate(TextDocument.create(`${ROOT}/environments/reg.yaml`, 'yaml', 1, text), [index])
      .filter((d) => d.code === 'env-missing-template');
    assert.deepEqual(
      found.map((d) => d.range.start.line),
      [2],
    );
  });

  it('does not check CI job inputs or the sample generator input as environments', () => {
    const index = plan();
    const text = 'environments:\n  - name: x\nparameter_defaults:\n  Nope: 1\n';
    for (const path of ['sample-env-generator/x.yaml', 'ci/environments/x.yaml'])
      assert.deepEqual(service.validate(TextDocument.create(`${ROOT}/${path}`, 'yaml', 1, text), [index]), []);
    assert.ok(service.validate(TextDocument.create(`${ROOT}/environments/x.yaml`, 'yaml', 1, text), [index]).length > 0);
  });
});
