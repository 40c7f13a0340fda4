import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, visit, type Node } from 'yaml';
import { ChunkCache, parseYaml, parseYamlIncremental, ParsedYaml } from '../../src/language/yamlDocument';

const SAMPLE = path.resolve(__dirname, '../../../samples/overcloud-lite');

/** Every scalar with its range, in document order: what the checks read from a parse. */
function scalars(p: ParsedYaml): string[] {
  const out: string[] = [];
  visit(p.doc, {
    Scalar(_, s) {
      out.push(`${JSON.stringify(s.value)}@${s.range?.[0]}-${s.range?.[1]}`);
    },
  });
  return out;
}

function bigEnvironment(n: number): string {
  const lines = ['# generated', 'parameter_defaults:'];
  for (let i = 0; i < n; i++) lines.push(i % 50 === 7 ? `  Nested${i}:\n    a: ${i}\n    b: [x, y]` : `  Parameter${i}: ${i % 3 ? `"value ${i}"` : i}`);
  lines.push('resource_registry:');
  for (let i = 0; i < 40; i++) lines.push(`  OS::TripleO::Services::S${i}: ../puppet/services/s${i}.yaml`);
  return lines.join('\n') + '\n';
}

describe('incremental YAML parse', () => {
  const same = (text: string, cache: ChunkCache = new Map()) => {
    const whole = parseYaml(text);
    const pieces = parseYamlIncremental(text, cache);
    assert.deepEqual(pieces.doc.toJS(), whole.doc.toJS());
    assert.deepEqual(scalars(pieces), scalars(whole));
    assert.deepEqual(pieces.problems, whole.problems);
    assert.equal(pieces.topLevel.length, whole.topLevel.length);
    return pieces;
  };

  it('gives the same values and ranges as a whole parse for every file of the sample', () => {
    const walk = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []));
    for (const f of walk(SAMPLE)) same(fs.readFileSync(f, 'utf8'));
  });

  it('re-parses only the piece an edit touches, with the ranges of the rest moved', () => {
    const cache: ChunkCache = new Map();
    const text = bigEnvironment(1000);
    const first = same(text, cache);
    const pieces = cache.size;
    assert.ok(pieces > 50, `only ${pieces} pieces`);
    const byKey = (p: ParsedYaml) =>
      new Map((p.topLevel[0].value as { items: { key: Node; value: Node }[] }).items.map((i) => [String((i.key as { value: unknown }).value), i.value]));
    const before = byKey(first);
    // a line inserted near the top moves everything below it
    const edited = text.replace('  Parameter3: 3\n', '  Parameter3: 3\n  Inserted: 1\n');
    const second = same(edited, cache);
    const after = byKey(second);
    const reused = [...after.keys()].filter((k) => after.get(k) === before.get(k)).length;
    assert.ok(reused > 950, `only ${reused} values reused`);
    assert.ok(isScalar(after.get('Parameter999')));
  });

  it('reports duplicates across pieces, and parses broken or unusual text whole', () => {
    const dup = bigEnvironment(100).replace('  Parameter90: 90', '  Parameter1: 90');
    assert.deepEqual(
      same(dup).problems.map((p) => p.code),
      ['yaml-duplicate-key'],
    );
    const broken = bigEnvironment(100).replace('  Parameter50: "value 50"', '  Parameter50: [unclosed');
    assert.ok(same(broken).problems.some((p) => p.code === 'yaml-syntax'));
    same('a: &x {b: 1}\nc: *x\n');
    same('---\na: 1\n---\nb: 2\n');
    same('- a\n- b\n');
    same('key: |\n  text\nnot a key\n');
    const root = parseYamlIncremental('', new Map()).doc.contents;
    assert.ok(root === null || isMap(root));
  });
});
