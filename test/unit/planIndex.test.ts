import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TripleOLanguageService } from '../../src/language/languageService';
import { buildPlanIndex, fullMatch, PlanIndex, templateParameters, valueProblem } from '../../src/language/planIndex';

const SAMPLE = path.resolve(__dirname, '../../../samples/overcloud-lite');
const ROOT = 'file:///plans/overcloud-lite';

function sampleIndex(): PlanIndex {
  const files = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else files.set(r, fs.readFileSync(path.join(dir, e.name), 'utf8'));
    }
  };
  walk(SAMPLE, '');
  return buildPlanIndex(ROOT, files);
}

describe('language service against a plan folder (samples/overcloud-lite)', () => {
  const index = sampleIndex();
  const service = new TripleOLanguageService();
  const env = (text: string, file = 'environments/mine.yaml') => TextDocument.create(`${ROOT}/${file}`, 'yaml', 1, text);
  const codes = (text: string, file?: string) => service.validate(env(text, file), [index]).map((d) => [d.code, d.range.start.line, String(d.message)] as const);

  it('indexes the parameters of every template, nested ones included', () => {
    assert.deepEqual(index.parameters.get('ComputeCount')?.map((d) => d.template), ['overcloud.yaml']);
    assert.deepEqual(index.parameters.get('NovaComputeLibvirtType')?.map((d) => d.template), ['puppet/compute-role.yaml']);
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
    const found = codes('parameter_defaults:\n  ComputeCount: 100\n  Debug: maybe\n  NovaComputeLibvirtType: xen\n  CloudName: "bad name!"\n  ControllerCount: 1\n');
    assert.deepEqual(found.map((f) => [f[0], f[1]]), [
      ['env-invalid-value', 1],
      ['env-invalid-value', 2],
      ['env-invalid-value', 3],
      ['env-invalid-value', 4],
    ]);
    assert.match(found[0][2], /Deploy between 0 and 50 Compute nodes\. \(overcloud.yaml\)/);
    assert.match(found[2][2], /puppet\/compute-role.yaml/);
  });

  it('reports a resource_registry target that does not exist, resolved relative to the file', () => {
    const found = codes('resource_registry:\n  OS::TripleO::Network: ../network/isolated.yaml\n  OS::TripleO::Other: ../network/nope.yaml\n  OS::TripleO::Off: OS::Heat::None\n');
    assert.deepEqual(found.map((f) => [f[0], f[1]]), [['env-missing-template', 2]]);
    assert.match(found[0][2], /resolved from environments\/mine.yaml to network\/nope.yaml/);
  });

  it('finds nothing wrong in the sample\'s own environment files', () => {
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
    const defs = templateParameters('t.yaml', 'heat_template_version: rocky\nparameters:\n  Secret:\n    type: string\n    hidden: true\n    default: s3cr3t\n');
    assert.doesNotMatch(service.parameterDocs(defs), /s3cr3t/);
  });

  it('matches patterns the way Heat does: from the start, to the end, first alternative first', () => {
    assert.equal(fullMatch('[a-z]+', 'abc'), true);
    assert.equal(fullMatch('[a-z]+', 'abc1'), false);
    assert.equal(fullMatch('(|[^\\s]{8,64})', 'longenough'), false);
    assert.equal(fullMatch('([^\\s]{8,64})?', 'longenough'), true);
    assert.equal(valueProblem({ name: 'L', template: 't', type: 'comma_delimited_list', hidden: false, constraints: [{ allowedValues: ['a', 'b'] }] }, 'a, c'), 'c is not one of a, b');
  });
});
