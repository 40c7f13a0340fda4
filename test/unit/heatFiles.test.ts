import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { PlanError } from '../../src/tripleo/errors';
import { heatTemplateRequest, listRoles, rewriteFileReferences } from '../../src/tripleo/heatFiles';

describe('files for Heat', () => {
  it('makes resource_registry targets plan-absolute, relative to the environment file', () => {
    const out = rewriteFileReferences(
      'environments/net.yaml',
      'resource_registry:\n  OS::TripleO::Network: ../network/isolated.yaml\n  OS::TripleO::Same: network/x.yaml\n  OS::TripleO::Off: OS::Heat::None\nparameter_defaults:\n  File: ../not/a/ref.yaml\n',
    );
    const env = parse(out);
    assert.equal(env.resource_registry['OS::TripleO::Network'], 'network/isolated.yaml');
    assert.equal(env.resource_registry['OS::TripleO::Same'], 'environments/network/x.yaml');
    assert.equal(env.resource_registry['OS::TripleO::Off'], 'OS::Heat::None');
    // parameter values are data, not references
    assert.equal(env.parameter_defaults.File, '../not/a/ref.yaml');
  });

  it('rewrites nested template types, ResourceGroup resource_defs and get_file in templates', () => {
    const out = parse(
      rewriteFileReferences(
        'puppet/controller.yaml',
        'heat_template_version: rocky\nresources:\n  A:\n    type: ../extraconfig/a.yaml\n  G:\n    type: OS::Heat::ResourceGroup\n    properties:\n      resource_def:\n        type: sub/b.yaml\n  C:\n    type: OS::Heat::SoftwareConfig\n    properties:\n      config: {get_file: ../scripts/run.sh}\n',
      ),
    );
    assert.equal(out.resources.A.type, 'extraconfig/a.yaml');
    assert.equal(out.resources.G.properties.resource_def.type, 'puppet/sub/b.yaml');
    assert.equal(out.resources.C.properties.config.get_file, 'scripts/run.sh');
  });

  it('leaves a file that needs no change byte for byte', () => {
    const text = '# comment\nresource_registry:\n  OS::TripleO::X: puppet/x.yaml   # keep\n';
    assert.equal(rewriteFileReferences('overcloud-resource-registry.yaml', text), text);
  });

  it('builds the request: root template, rewritten files, environments in order, extra environments last', () => {
    const files = {
      'overcloud.yaml': 'heat_template_version: rocky\n',
      'environments/a.yaml': 'resource_registry:\n  OS::T::A: ../puppet/a.yaml\n',
      'puppet/a.yaml': 'heat_template_version: rocky\n',
    };
    const req = heatTemplateRequest(
      files,
      'overcloud.yaml',
      ['environments/a.yaml'],
      [{ name: '.tripleo/user-parameters.yaml', content: { parameter_defaults: { Debug: true } } }],
    );
    assert.equal(req.template, files['overcloud.yaml']);
    assert.deepEqual(req.environment_files, ['environments/a.yaml', '.tripleo/user-parameters.yaml']);
    assert.match(req.files['environments/a.yaml'], /OS::T::A: puppet\/a.yaml/);
    assert.deepEqual(JSON.parse(req.files['.tripleo/user-parameters.yaml']), { parameter_defaults: { Debug: true } });
    assert.throws(
      () => heatTemplateRequest(files, 'overcloud.yaml', ['environments/nope.yaml']),
      (e: Error) => e instanceof PlanError && /environments\/nope.yaml is not in the plan/.test(e.message),
    );
  });

  it('reports a YAML error with the file and line', () => {
    assert.throws(() => rewriteFileReferences('environments/bad.yaml', 'resource_registry:\n  A: [x\n'), /environments\/bad.yaml:\d+:\d+/);
  });

  it('lists roles from roles_data.yaml, else from the ResourceGroups', () => {
    assert.deepEqual(
      listRoles({ 'roles_data.yaml': '- name: Controller\n  CountDefault: 1\n- name: Compute\n' }, 'overcloud.yaml').map((r) => [r.name, r.countDefault]),
      [
        ['Controller', 1],
        ['Compute', undefined],
      ],
    );
    const root =
      'heat_template_version: rocky\nresources:\n  Controller:\n    type: OS::Heat::ResourceGroup\n  Compute:\n    type: OS::Heat::ResourceGroup\n  Other:\n    type: OS::Heat::None\n';
    assert.deepEqual(
      listRoles({ 'overcloud.yaml': root }, 'overcloud.yaml').map((r) => r.name),
      ['Controller', 'Compute'],
    );
  });
});
