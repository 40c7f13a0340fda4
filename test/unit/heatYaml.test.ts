import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { heatValue, loadHeatYaml, parseHeatYaml, readHeatYaml } from '../../src/tripleo/heatYaml';
import { readCapabilitiesMap } from '../../src/tripleo/capabilitiesMap';
import { listRoles, loadPlanYaml } from '../../src/tripleo/heatFiles';
import { TripleOLanguageService } from '../../src/language/languageService';
import { buildPlanIndex } from '../../src/language/planIndex';
import { readTree } from '../support/files';

const ROOT = path.resolve(__dirname, '../../..');
const ORACLE = path.join(ROOT, 'test/support/heatYamlOracle.py');
const SAMPLE = path.join(ROOT, 'samples/overcloud-lite');
const exec = promisify(execFile);

/** What Heat's loader (PyYAML) makes of each text: {value} or {error, line}. */
function pyyaml(texts: string[]): { value?: unknown; error?: string; line?: number }[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-yaml-'));
  try {
    const files = texts.map((t, i) => {
      const f = path.join(dir, `${i}.yaml`);
      fs.writeFileSync(f, t);
      return f;
    });
    const out = execFileSync('python3', [ORACLE], { input: files.join('\n') }).toString();
    return out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('YAML read like Heat (heatYaml)', () => {
  const cases = [
    'heat_template_version: 2015-04-30\nwhen: 2001-12-14t21:59:43.10-05:00\n',
    'a: y\nb: n\nc: yes\nd: off\ne: on\nf: True\ng: NO\n',
    'a: 09\nb: 010\nc: 0x1F\nd: 0b101\ne: 1_000\nf: 1:20\ng: -0\n',
    'a: 1e3\nb: 1.0e+3\nc: 1.5\nd: .5\ne: .inf\nf: -.inf\ng: 1.\nh: 1:20.5\n',
    'a: ~\nb: null\nc:\nd: Null\ne: "null"\n',
    'a: 1\nb: 2\na: 3\n',
    'base: &b {x: 1, y: 2}\nother: &o {y: 20, z: 30}\nm:\n  <<: [*b, *o]\n  x: 10\n',
    'base: &b {x: 1}\nm:\n  <<: *b\n  <<: {x: 2, w: 3}\n',
    "q: '<<'\nm: {'<<': 1}\n",
    'k:\n  template: "A,\\\nB,\\\nC"\n  other: x\n',
    'k:\n  t: "a\nb\n   c"\n  f: {a: 1,\nb: 2}\n',
    'notes:\n  - |\n    text\n    more',
    'x: >\n  folded\n  line',
    'a: [1, 2\n',
    'm:\n  <<: 1\n',
    'yes: 1\n2: a\nnull: b\n',
  ];
  const oracle = pyyaml(cases);

  cases.forEach((text, i) => {
    it(`loads like PyYAML: ${JSON.stringify(text).slice(0, 60)}`, () => {
      const expected = oracle[i];
      const got = readHeatYaml(text);
      if (expected.error !== undefined) {
        assert.ok(got.errors.length > 0, `PyYAML refuses it (${expected.error}), so must we`);
        assert.equal(got.errors[0].line, expected.line ?? got.errors[0].line);
      } else {
        assert.deepEqual(got.errors, []);
        assert.deepEqual(
          JSON.parse(
            JSON.stringify(got.value, (_k, v: unknown) =>
              typeof v === 'number' && !Number.isFinite(v) ? { $float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' } : v,
            ),
          ),
          expected.value,
        );
      }
    });
  });

  it('keeps a timestamp as the text written, and a repeated key as a warning with its line (the last wins)', () => {
    const r = readHeatYaml('heat_template_version: 2015-04-30\nparameters: {}\nparameters:\n  A: {type: string}\n');
    assert.equal((r.value as Record<string, unknown>).heat_template_version, '2015-04-30');
    assert.deepEqual((r.value as Record<string, unknown>).parameters, { A: { type: 'string' } });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.warnings.map((w) => [w.code, w.line, w.severity]),
      [['DUPLICATE_KEY', 3, 'warning']],
    );
  });

  it('reports an invalid merge source as an error with its line, never a throw nor a Symbol key', () => {
    for (const text of [
      'parameter_defaults:\n  X: {<<: 1}\n',
      'a: &b 1\nparameter_defaults:\n  X: {<<: *b}\n',
      'parameter_defaults:\n  <<: [1]\n',
      'parameter_defaults:\n  <<: *nowhere\n',
    ]) {
      const r = readHeatYaml(text);
      assert.ok(r.errors.length > 0, text);
      assert.ok(r.errors[0].line >= 2, text);
      const keys = JSON.stringify(r.value, (_k, v: unknown) =>
        typeof v === 'object' && v ? Object.fromEntries(Reflect.ownKeys(v).map((k) => [String(k), (v as Record<string | symbol, unknown>)[k]])) : v,
      );
      assert.doesNotMatch(keys, /Symbol/);
      assert.throws(() => loadHeatYaml(text, 'env.yaml'), /^HeatYamlError: env\.yaml:\d+:\d+: expected a mapping/);
    }
  });

  it('loads a quoted scalar continued on less indented lines, with positions in the original text', () => {
    const text = 'outputs:\n  k:\n    value:\n      template: "A,\\\nB"\n      params: {x: 1}\n';
    const p = parseHeatYaml(text);
    assert.deepEqual(p.errors, []);
    const v = heatValue(p.doc.contents, p.doc) as { outputs: { k: { value: { template: string; params: unknown } } } };
    assert.equal(v.outputs.k.value.template, 'A,B');
    const params = (p.doc.getIn(['outputs', 'k', 'value'], true) as { items: { key: { range: number[] } }[] }).items[1].key;
    assert.equal(text.slice(params.range[0], params.range[1]), 'params');
  });

  it('takes # right after a flow collection or a quoted scalar as a comment, as PyYAML does', () => {
    const r = readHeatYaml('server: {get_resource: BlockStorage}# Hook for site-specific config\nq: "x"# c\nl: [1]#c\nplain: a#b\n');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.value, { server: { get_resource: 'BlockStorage' }, q: 'x', l: [1], plain: 'a#b' });
  });

  it('never makes a key of __proto__ the prototype', () => {
    const v = loadHeatYaml('__proto__: {polluted: 1}\n') as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(v), ['__proto__']);
  });

  it('reads a capabilities map of 40,000 keys (linear duplicate check) and shows empty titles as untitled', function () {
    const entries = Array.from({ length: 40000 }, (_, i) => `            k${i}: ${i}\n`).join('');
    const text = `topics:\n  - title:\n    environment_groups:\n      - title: ''\n        environments:\n          - file: environments/a.yaml\n${entries}            k1: again\n`;
    const { map, problems } = readCapabilitiesMap(text);
    assert.deepEqual(problems, []);
    assert.equal(map.topics[0].title, '(untitled topic)');
    assert.equal(map.topics[0].groups[0].title, '(untitled group)');
    assert.equal(map.topics[0].groups[0].environments[0].title, 'environments/a.yaml');
  });

  it('library readers take what Heat takes: roles_data with a repeated key, a file with a date version', () => {
    assert.deepEqual(
      listRoles({ 'roles_data.yaml': '- name: Controller\n  name: Controller\n  CountDefault: 1\n' }, 'overcloud.yaml').map((r) => r.name),
      ['Controller'],
    );
    assert.deepEqual(loadPlanYaml('t.yaml', 'heat_template_version: 2016-10-14\n'), { heat_template_version: '2016-10-14' });
    assert.throws(() => loadPlanYaml('t.yaml', 'a: [1\n'), /t\.yaml:\d+:\d+/);
  });
});

describe('merge keys in plan files (issue 14): no throw in the index, the checks or lint', () => {
  const service = new TripleOLanguageService();
  const texts = [
    'parameter_defaults:\n  X: {<<: 1}\n',
    'a: &b 1\nparameter_defaults:\n  X: {<<: *b}\n',
    'parameter_defaults:\n  <<: {ComputeCount: 2}\n  <<: 3\n',
    'heat_template_version: 2016-10-14\nparameters:\n  P:\n    <<: 1\n    type: string\n  Q: {<<: *x}\nresources: {}\n',
  ];

  it('indexes, checks, hovers and completes without throwing, and reports the invalid merge with its line', () => {
    for (const text of texts) {
      const files = readTree(SAMPLE);
      files.set('environments/merge.yaml', text);
      const index = buildPlanIndex('file:///plan', files);
      const doc = TextDocument.create('file:///plan/environments/merge.yaml', 'yaml', 1, text);
      const diags = service.validate(doc, [index]);
      assert.ok(
        diags.some((d) => d.severity === 1 && /merging|alias/i.test(String(d.message))),
        `${text}: ${JSON.stringify(diags.map((d) => d.message))}`,
      );
      assert.ok(!diags.some((d) => /"<<"/.test(String(d.message))), 'a merge key is no parameter');
      for (let line = 0; line < text.split('\n').length; line++) {
        service.hover(doc, { line, character: 3 }, [index]);
        service.completion(doc, { line, character: 3 }, [index]);
      }
    }
  });

  it('takes the values of a valid merge under parameter_defaults', () => {
    const files = readTree(SAMPLE);
    files.set('environments/merge.yaml', 'parameter_defaults:\n  <<: {ComputeCount: 2}\n');
    const index = buildPlanIndex('file:///plan', files);
    assert.equal(index.summaries.get('environments/merge.yaml')?.values?.get('ComputeCount'), 2);
  });

  it('lint prints JSON with the merge errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-merge-'));
    try {
      fs.cpSync(SAMPLE, dir, { recursive: true });
      texts.forEach((t, i) => fs.writeFileSync(path.join(dir, `environments/merge${i}.yaml`), t));
      const result = await exec('node', [path.join(ROOT, 'dist/cli.js'), 'lint', dir, '--format', 'json']).catch(
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      const found = JSON.parse(result.stdout) as { file: string; code: string; line: number }[];
      for (let i = 0; i < texts.length; i++)
        assert.ok(
          found.some((f) => f.file.endsWith(`merge${i}.yaml`) && f.code === 'yaml-merge'),
          `merge${i}.yaml: ${result.stdout.slice(0, 2000)}`,
        );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
