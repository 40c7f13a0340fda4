import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TripleOLanguageService } from '../../src/language/languageService';
import { buildPlanIndex, PlanIndex, valueProblem } from '../../src/language/planIndex';
import { fullMatch } from '../../src/language/boundedMatch';

import { readTree } from '../support/files';

const SAMPLE = path.resolve(__dirname, '../../../samples/overcloud-lite');
const ROOT = 'file:///plans/overcloud-lite';

function sampleIndex(): PlanIndex {
  return buildPlanIndex(ROOT, readTree(SAMPLE));
}

describe('language service against a plan folder (samples/overcloud-lite)', () => {
  const index = sampleIndex();
  const service = new TripleOLanguageService();
  const env = (text: string, file = 'environments/mine.yaml') => TextDocument.create(`${ROOT}/${file}`, 'yaml', 1, text);
  // (files outside the map also get an information; it is tested on its own below)
  const codes = (text: string, file?: string) =>
    service
      .validate(env(text, file), [index])
      .filter((d) => d.code !== 'env-not-in-map')
      .map((d) => [d.code, d.range.start.line, String(d.message)] as const);

  it('indexes the parameters of every template, nested ones included', () => {
    assert.deepEqual(
      index.parameters.get('ComputeCount')?.map((d) => d.template),
      ['overcloud.yaml'],
    );
    assert.deepEqual(
      index.parameters.get('NovaComputeLibvirtType')?.map((d) => d.template),
      ['puppet/compute-role.yaml'],
    );
    assert.ok(index.files.has('network/isolated.yaml'));
  });

  it('warns about a parameter no template defines, with "did you mean"', () => {
    const found = codes('parameter_defaults:\n  ComputeCont: 2\n  Debug: true\n');
    assert.equal(found.length, 1);
    assert.equal(found[0][0], 'env-unknown-parameter');
    assert.equal(found[0][1], 1);
    assert.match(found[0][2], /did you mean "ComputeCount"\?/);
  });

  it('checks values against type and constraints, nested templates included', () => {
    const found = codes(
      'parameter_defaults:\n  ComputeCount: 100\n  Debug: maybe\n  NovaComputeLibvirtType: xen\n  CloudName: "bad name!"\n  ControllerCount: 1\n',
    );
    assert.deepEqual(
      found.map((f) => [f[0], f[1]]),
      [
        ['env-invalid-value', 1],
        ['env-invalid-value', 2],
        ['env-invalid-value', 3],
        ['env-invalid-value', 4],
      ],
    );
    assert.match(found[0][2], /Deploy between 0 and 50 Compute nodes\. \(overcloud.yaml\)/);
    assert.match(found[2][2], /puppet\/compute-role.yaml/);
  });

  it('reports a resource_registry target that does not exist, resolved relative to the file', () => {
    const found = codes(
      'resource_registry:\n  OS::TripleO::Network: ../network/isolated.yaml\n  OS::TripleO::Other: ../network/nope.yaml\n  OS::TripleO::Off: OS::Heat::None\n',
    );
    assert.deepEqual(
      found.map((f) => [f[0], f[1]]),
      [['env-missing-template', 2]],
    );
    assert.match(found[0][2], /resolved from environments\/mine.yaml to network\/nope.yaml/);
  });

  it("finds nothing wrong in the sample's own environment files", () => {
    for (const f of fs.readdirSync(path.join(SAMPLE, 'environments'))) {
      const problems = codes(fs.readFileSync(path.join(SAMPLE, 'environments', f), 'utf8'), `environments/${f}`);
      assert.deepEqual(problems, [], f);
    }
  });

  it('documents a parameter on hover: description, type, constraints, where it is defined', () => {
    const d = env('parameter_defaults:\n  ComputeCount: 3\n');
    const h = service.hover(d, { line: 1, character: 5 }, [index]);
    const text = (h?.contents as { value: string }).value;
    assert.match(text, /\*\*ComputeCount\*\*/);
    assert.match(text, /`number`/);
    assert.match(text, /range: 0 to 50/);
    assert.match(text, /defined in: `overcloud.yaml`/);
  });

  it('masks the default of a hidden parameter', () => {
    const index = buildPlanIndex(
      '/plan',
      new Map([['t.yaml', 'heat_template_version: rocky\nparameters:\n  Secret:\n    type: string\n    hidden: true\n    default: s3cr3t\n']]),
    );
    const defs = index.parameters.get('Secret') ?? [];
    assert.equal(defs.length, 1);
    assert.doesNotMatch(service.parameterDocs(defs), /s3cr3t/);
  });

  it('matches patterns the way Heat does: from the start, to the end, first alternative first', () => {
    assert.equal(fullMatch('[a-z]+', 'abc'), true);
    assert.equal(fullMatch('[a-z]+', 'abc1'), false);
    assert.equal(fullMatch('(|[^\\s]{8,64})', 'longenough'), false);
    assert.equal(fullMatch('([^\\s]{8,64})?', 'longenough'), true);
    assert.equal(
      valueProblem(
        { name: 'L', template: 't', line: 0, character: 0, type: 'comma_delimited_list', hidden: false, constraints: [{ allowedValues: ['a', 'b'] }] },
        'a, c',
      ),
      'c is not one of a, b',
    );
  });
});

describe('language service: templates and the capabilities map', () => {
  const index = sampleIndex();
  const service = new TripleOLanguageService();
  const check = (file: string, text: string) =>
    service.validate(TextDocument.create(`${ROOT}/${file}`, 'yaml', 1, text), [index]).map((d) => [d.code, d.range.start.line, String(d.message)] as const);

  it('finds nothing wrong in any file of the sample plan', () => {
    const walk = (dir: string, rel: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name), `${rel}${e.name}/`) : /\.ya?ml$/.test(e.name) ? [`${rel}${e.name}`] : []));
    for (const f of walk(SAMPLE, '')) {
      const found = check(f, fs.readFileSync(path.join(SAMPLE, f), 'utf8')).filter(
        (d) => d[0] !== 'env-not-in-map' || f !== 'environments/custom-user-settings.yaml',
      );
      assert.deepEqual(found, [], f);
    }
  });

  it('says that an environment file is not in the capabilities map', () => {
    const found = check('environments/custom-user-settings.yaml', fs.readFileSync(path.join(SAMPLE, 'environments/custom-user-settings.yaml'), 'utf8'));
    assert.deepEqual(
      found.map((f) => f[0]),
      ['env-not-in-map'],
    );
  });

  it('reports get_param, get_resource, get_attr and depends_on naming nothing, and an unknown version', () => {
    const found = check(
      'puppet/x.yaml',
      'heat_template_version: 2016-13-45\nparameters:\n  Count: {type: number}\nresources:\n  A:\n    type: OS::Heat::Value\n    properties:\n      value: {get_param: Cout}\n  B:\n    type: OS::Heat::Value\n    depends_on: [A, C]\n    properties:\n      value: {get_attr: [Aa, value]}\noutputs:\n  o:\n    value: {get_resource: B}\n  s:\n    value: {get_param: OS::stack_name}\n',
    );
    assert.deepEqual(
      found.map((f) => [f[0], f[1]]),
      [
        ['template-unknown-version', 0],
        ['template-undefined-parameter', 7],
        ['template-undefined-resource', 10],
        ['template-undefined-resource', 12],
      ],
    );
    assert.match(found[1][2], /did you mean "Count"/);
  });

  it('reports map entries whose files do not exist, and missing keys with their line', () => {
    const found = check(
      'capabilities-map.yaml',
      'topics:\n  - title: T\n    environment_groups:\n      - title: G\n        environments:\n          - file: environments/nope.yaml\n            title: Nope\n          - title: no file\n',
    );
    assert.deepEqual(
      found.map((f) => [f[0], f[1]]),
      [
        ['map-invalid', 7],
        ['map-missing-file', 5],
      ],
    );
  });
});

describe('language service: navigation and completion', () => {
  const index = sampleIndex();
  const service = new TripleOLanguageService();

  it('goes from a parameter in an environment file to its declaration in the template', () => {
    const d = TextDocument.create(`${ROOT}/environments/x.yaml`, 'yaml', 1, 'parameter_defaults:\n  NovaComputeLibvirtType: qemu\n');
    const locs = service.definition(d, { line: 1, character: 6 }, [index]);
    assert.equal(locs.length, 1);
    assert.equal(locs[0].uri, `${ROOT}/puppet/compute-role.yaml`);
    const line = fs.readFileSync(path.join(SAMPLE, 'puppet/compute-role.yaml'), 'utf8').split('\n')[locs[0].range.start.line];
    assert.match(line, /^\s+NovaComputeLibvirtType:/);
  });

  it('completes parameter names under parameter_defaults, leaving out those already set', () => {
    const text = 'parameter_defaults:\n  ComputeCount: 2\n  Comp\n';
    const d = TextDocument.create(`${ROOT}/environments/x.yaml`, 'yaml', 1, text);
    const items = service.completion(d, { line: 2, character: 6 }, [index]);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('ComputeHostnameFormat'));
    assert.ok(!labels.includes('ComputeCount'));
    // at the top level: the sections of an environment file, not parameters
    assert.deepEqual(
      service.completion(d, { line: 0, character: 3 }, [index]).map((i) => i.label),
      ['parameters', 'parameter_defaults', 'resource_registry', 'event_sinks', 'encrypted_param_names', 'parameter_merge_strategies'],
    );
  });
});

describe('language service: the local selection and file paths', () => {
  const service = new TripleOLanguageService();
  const withSelection = (selected: string[]) => {
    const base = sampleIndex();
    return { ...base, selection: selected };
  };

  it('warns in a selected environment whose requires is not selected, or that conflicts with another', () => {
    const index = withSelection([
      'overcloud-resource-registry.yaml',
      'environments/ssl-endpoints.yaml',
      'environments/network-flat.yaml',
      'environments/network-isolation.yaml',
    ]);
    const diags = (file: string) =>
      service
        .validate(TextDocument.create(`${ROOT}/${file}`, 'yaml', 1, fs.readFileSync(path.join(SAMPLE, file), 'utf8')), [index])
        .map((d) => [d.code, String(d.message)] as const);
    assert.deepEqual(diags('environments/ssl-endpoints.yaml'), [
      ['env-requires-missing', 'environments/ssl-endpoints.yaml requires environments/ssl-enable.yaml, which is not selected in plan-environment.yaml'],
    ]);
    assert.deepEqual(
      diags('environments/network-flat.yaml').map((d) => d[0]),
      ['env-exclusive-conflict'],
    );
    assert.deepEqual(diags('environments/debug.yaml'), []);
  });

  it('hovers a resource_registry path with the file it resolves to, and a map entry with its title', () => {
    const index = sampleIndex();
    const env = TextDocument.create(
      `${ROOT}/environments/network-isolation.yaml`,
      'yaml',
      1,
      fs.readFileSync(path.join(SAMPLE, 'environments/network-isolation.yaml'), 'utf8'),
    );
    const at = env.getText().indexOf('../network/isolated.yaml');
    const h = service.hover(env, env.positionAt(at + 3), [index]);
    assert.match((h?.contents as { value: string }).value, /`network\/isolated.yaml`/);
    const map = TextDocument.create(`${ROOT}/capabilities-map.yaml`, 'yaml', 1, fs.readFileSync(path.join(SAMPLE, 'capabilities-map.yaml'), 'utf8'));
    const m = map.getText().indexOf('environments/debug.yaml');
    const hm = service.hover(map, map.positionAt(m + 5), [index]);
    assert.match((hm?.contents as { value: string }).value, /\*\*Debug logging\*\*/);
  });
});
