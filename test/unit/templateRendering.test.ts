import * as assert from 'node:assert/strict';
import { isJinjaSource, needsRendering, renderPlanTemplates, rolesDataFromFolder, TemplateRenderError } from '../../src/tripleo/templateRendering';

const ROLES = `- name: Controller
  CountDefault: 1
  tags: [primary, controller]
  deprecated_nic_config_name: controller.yaml
- name: Compute
  disable_constraints: True
  ServicesDefault: [OS::TripleO::Services::NovaCompute]
`;
const NETWORKS = `- name: InternalApi
  name_lower: internal_api
- name: Storage
- name: Tenant
  enabled: false
`;

function plan(extra: Record<string, string> = {}): Map<string, string> {
  return new Map(Object.entries({ 'roles_data.yaml': ROLES, 'network_data.yaml': NETWORKS, ...extra }));
}

const byPath = (r: ReturnType<typeof renderPlanTemplates>) => Object.fromEntries(r.rendered.map((x) => [x.path, x.text]));

describe('plan template processing (tripleo-common)', () => {
  it('knows which plans need rendering and which files are sources', () => {
    assert.ok(isJinjaSource('overcloud.j2.yaml') && isJinjaSource('puppet/role.role.j2.yaml') && isJinjaSource('network/ports/port.network.j2.yaml'));
    assert.ok(!isJinjaSource('overcloud.yaml') && !isJinjaSource('network/network.j2'));
    assert.ok(needsRendering(['roles_data.yaml', 'a/b.j2.yaml']));
    assert.ok(!needsRendering(['a/b.j2.yaml']));
    assert.ok(!needsRendering(['roles_data.yaml', 'overcloud.yaml']));
  });

  it('renders a role template once per role, with the role name or the role mapping', () => {
    const r = renderPlanTemplates(
      plan({
        'puppet/role.role.j2.yaml': 'name: {{role}} {{disable_constraints|default("no")}} {{networks|length}}\n',
        'puppet/full.role.j2.yaml': 'name: {{role.name}} {{role.tags|default([])}} {{disable_constraints is defined}}\n',
      }),
    );
    assert.deepEqual(r.errors, []);
    assert.deepEqual(byPath(r), {
      'puppet/controller-full.yaml': "name: Controller ['primary', 'controller'] False",
      'puppet/compute-full.yaml': 'name: Compute [] False',
      'puppet/controller-role.yaml': 'name: Controller no 3',
      'puppet/compute-role.yaml': 'name: Compute True 3',
    });
    assert.equal(r.rendered.find((x) => x.path === 'puppet/compute-role.yaml')!.role, 'Compute');
  });

  it('names network/config role files after the role or its deprecated_nic_config_name', () => {
    const r = renderPlanTemplates(plan({ 'network/config/single-nic/role.role.j2.yaml': '{{role.name}}\n' }));
    assert.deepEqual(Object.keys(byPath(r)).sort(), ['network/config/single-nic/compute.yaml', 'network/config/single-nic/controller.yaml']);
  });

  it('renders network templates once per enabled network, with name_lower filled in', () => {
    const r = renderPlanTemplates(
      plan({
        'network/network.network.j2.yaml': '{{network.name}} {{network.name_lower}}\n',
        'network/ports/port.network.j2.yaml': 'port {{network.name_lower}}\n',
        'network/networks.j2.yaml': '{% for n in networks %}{{n.name}}={{n.name_lower}} {% endfor %}\n',
      }),
    );
    assert.deepEqual(byPath(r), {
      'network/internal_api.yaml': 'InternalApi internal_api',
      'network/storage.yaml': 'Storage storage',
      'network/ports/internal_api.yaml': 'port internal_api',
      'network/ports/storage.yaml': 'port storage',
      // a disabled network is still listed in `networks`, without a name_lower
      'network/networks.yaml': 'InternalApi=internal_api Storage=storage Tenant= ',
    });
    assert.deepEqual(
      r.networks.map((n) => n.name_lower),
      ['internal_api', 'storage', undefined],
    );
  });

  it('renders other templates once with roles and networks', () => {
    const r = renderPlanTemplates(plan({ 'overcloud.j2.yaml': '{% for role in roles %}{{role.name}}Count: {{role.CountDefault|default(0)}}\n{% endfor %}' }));
    assert.equal(byPath(r)['overcloud.yaml'], 'ControllerCount: 1\nComputeCount: 0\n');
    assert.deepEqual(
      r.roles.map((x) => x.name),
      ['Controller', 'Compute'],
    );
  });

  it('skips per-role and per-network outputs listed in j2_excludes.yaml', () => {
    const r = renderPlanTemplates(
      plan({
        'j2_excludes.yaml': 'name:\n  - puppet/compute-role.yaml\n  - network/storage.yaml\n',
        'puppet/role.role.j2.yaml': '{{role}}\n',
        'network/network.network.j2.yaml': '{{network.name}}\n',
      }),
    );
    assert.deepEqual(Object.keys(byPath(r)).sort(), ['network/internal_api.yaml', 'puppet/controller-role.yaml']);
    assert.deepEqual(r.excluded.sort(), ['network/storage.yaml', 'puppet/compute-role.yaml']);
  });

  it('looks includes up beside the rendered file, then at the plan root, and maps lines into them', () => {
    const r = renderPlanTemplates(
      plan({
        'common/post.j2.yaml': "a\n{% include 'steps.j2' %}\n{% include 'top.j2' %}\n",
        'common/steps.j2': 'beside {{roles|length}}\n',
        'steps.j2': 'root\n',
        'top.j2': 'top\n',
      }),
    );
    const post = r.rendered.find((x) => x.path === 'common/post.yaml')!;
    assert.equal(post.text, 'a\nbeside 2\ntop');
    assert.deepEqual(post.lines, [
      { file: 'common/post.j2.yaml', line: 0 },
      { file: 'common/steps.j2', line: 0 },
      { file: 'top.j2', line: 0 },
    ]);
  });

  it('reports a file that fails with its file and line, and renders the others', () => {
    const r = renderPlanTemplates(plan({ 'a.j2.yaml': 'ok\n', 'b.j2.yaml': 'x\n{{ roles.nope.name }}\n', 'c.j2.yaml': '{% if %}' }));
    assert.deepEqual(Object.keys(byPath(r)), ['a.yaml']);
    assert.deepEqual(
      r.errors.map((e) => [e.file, e.line]),
      [
        ['b.j2.yaml', 2],
        ['c.j2.yaml', 1],
      ],
    );
    assert.ok(r.errors.every((e) => e instanceof TemplateRenderError));
    const perRole = renderPlanTemplates(plan({ 'puppet/role.role.j2.yaml': 'a\n{% for %}\n' }));
    assert.deepEqual(
      perRole.errors.map((e) => [e.file, e.line]),
      [['puppet/role.role.j2.yaml', 2]],
    );
    assert.match(r.errors[0].message, /'list object' has no attribute 'nope'/);
  });

  it('reports a bad roles_data.yaml or network_data.yaml with its line, rendering nothing', () => {
    const bad = renderPlanTemplates(plan({ 'a.j2.yaml': 'x\n' }), { rolesData: '- name: A\n- CountDefault: 1\n' });
    assert.deepEqual(bad.rendered, []);
    assert.deepEqual([bad.errors[0].file, bad.errors[0].line], ['roles_data.yaml', 2]);
    const broken = renderPlanTemplates(plan({ 'a.j2.yaml': 'x\n' }), { networkData: '- name: A\n  x: [\n' });
    assert.equal(broken.errors[0].file, 'network_data.yaml');
    assert.ok(broken.errors[0].line >= 2);
  });

  it('reads roles_data.yaml as Heat reads YAML: timestamps stay strings, a repeated key keeps its last value, floats stay floats', () => {
    const r = renderPlanTemplates(plan({ 'a.j2.yaml': '{{ roles[0] }}\n' }), {
      rolesData: '- name: A\n  when: 2015-04-30\n  n: 1\n  n: 2\n  f: 1.0\n  y: yes\n',
    });
    assert.equal(byPath(r)['a.yaml'], "{'name': 'A', 'when': '2015-04-30', 'n': 2, 'f': 1.0, 'y': True}");
    const merged = renderPlanTemplates(plan({ 'a.j2.yaml': '{{ roles[1] }}\n' }), {
      rolesData: '- &base\n  name: A\n  e: 1e3\n  c: 2\n- <<: *base\n  name: B\n',
    });
    assert.equal(byPath(merged)['a.yaml'], "{'name': 'B', 'e': '1e3', 'c': 2}");
  });

  it('makes roles_data from a roles folder as tripleo-common generated it', () => {
    const files = new Map([
      ['roles/Compute.yaml', '- name: Compute\n'],
      ['roles/Controller.yaml', '- name: Controller\n'],
      ['roles/README.rst', 'x'],
    ]);
    const text = rolesDataFromFolder(files);
    assert.ok(text.startsWith('#'.repeat(79) + '\n# File generated by TripleO\n'));
    assert.ok(text.endsWith('- name: Compute\n- name: Controller\n'));
    assert.equal(rolesDataFromFolder(files, ['Controller']).split('- name:').length, 2);
    assert.throws(() => rolesDataFromFolder(files, ['Nope']), /Invalid roles requested: Nope/);
  });
});
