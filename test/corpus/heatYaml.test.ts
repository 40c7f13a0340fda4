import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { readHeatYaml } from '../../src/tripleo/heatYaml';
import { renderPlanTemplates } from '../../src/tripleo/templateRendering';
import { readTree } from '../support/files';
import { corpusTree, describeCorpus } from '../support/corpus';
import { ROOT } from '../support/undercloud';

/** Every YAML file under a folder, sorted. */
function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Our value in the oracle's JSON shape (non-finite floats tagged as it tags them). */
function comparable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v) ? { $float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' } : v,
    ),
  );
}

/** Files (absolute paths) compared with what PyYAML makes of them: the differences, and how many PyYAML loaded. */
function compareWithPyYaml(root: string, files: string[]): { wrong: string[]; loaded: number } {
  const oracle = execFileSync('python3', [path.join(ROOT, 'test/support/heatYamlOracle.py')], { input: files.join('\n'), maxBuffer: 1 << 30 })
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { value?: unknown; error?: string; line?: number });
  assert.equal(oracle.length, files.length);
  const wrong: string[] = [];
  let loaded = 0;
  files.forEach((file, i) => {
    const rel = path.relative(root, file);
    const ours = readHeatYaml(fs.readFileSync(file, 'utf8'));
    const expected = oracle[i];
    if (expected.error !== undefined) {
      if (!ours.errors.length) wrong.push(`${rel}: PyYAML refuses it (line ${expected.line}: ${expected.error}); we load it`);
      return;
    }
    loaded++;
    if (ours.errors.length) wrong.push(`${rel}: PyYAML loads it; we refuse it at line ${ours.errors[0].line}: ${ours.errors[0].message}`);
    else {
      try {
        assert.deepStrictEqual(comparable(ours.value), expected.value);
      } catch (e) {
        wrong.push(`${rel}: a different value: ${(e as Error).message.slice(0, 400)}`);
      }
    }
  });
  return { wrong, loaded };
}

describeCorpus('every YAML file of the corpus loads as Heat (PyYAML) loads it', (trees) => {
  for (const tree of trees) {
    it(`${tree}: same value for every file PyYAML loads, an error where it refuses one`, function () {
      const root = corpusTree(tree);
      const files = yamlFilesUnder(root);
      const { wrong, loaded } = compareWithPyYaml(root, files);
      assert.deepEqual(wrong, []);
      // the trees are mostly plain YAML: a run that loaded next to nothing proves nothing
      assert.ok(loaded > files.length * 0.8, `${loaded} of ${files.length} files loaded`);
    });

    it(`${tree}: every file rendered from its Jinja sources loads as PyYAML loads it (Jinja output has comments right after tokens)`, function () {
      const rendered = renderPlanTemplates(readTree(corpusTree(tree)));
      assert.deepEqual(rendered.errors, []);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rendered-${tree}-`));
      try {
        const files = rendered.rendered.map((r) => {
          const f = path.join(dir, r.path.replace(/\//g, '__'));
          fs.writeFileSync(f, r.text);
          return f;
        });
        const { wrong, loaded } = compareWithPyYaml(dir, files);
        assert.deepEqual(wrong, []);
        assert.equal(loaded, files.length);
        assert.ok(files.length >= 10, `${files.length} files rendered`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
