import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lint, type LintResult } from '../../src/cli/lintCommand';
import { corpusTree, describeCorpus } from '../support/corpus';
import { ROOT } from '../support/undercloud';

/** One finding `tripleo lint` keeps on a released tree, and why it is true. */
interface Expected {
  file: string;
  line: number;
  severity: LintResult['severity'];
  code: string;
  message: string;
  reason: string;
}

const EXPECTED_DIR = path.join(ROOT, 'test/corpus/expected');

// Why each kind of remaining finding is true (written into a new expectation; each entry may say more)
const REASONS: Record<string, string> = {
  'env-unknown-parameter': 'no template of the tree, rendered or not, declares this parameter: Heat ignores the value',
  'yaml-duplicate-key': 'the key is written twice in the same mapping: Heat (PyYAML) keeps the last value, the first one is dead text',
  'map-missing-file': 'capabilities-map.yaml lists an environment the tree neither ships nor renders: a client offers it and the plan then lacks it',
  'env-missing-template':
    'the registry entry resolves, relative to this environment, to a file the tree neither ships nor renders: Heat refuses the stack when this environment is used',
  'template-undefined-parameter': 'get_param names a parameter this template does not declare: Heat refuses the template wherever it is used',
  'env-invalid-value': 'the value breaks a constraint of a template that an optional environment brings in: Heat refuses it once that template is used',
};

const key = (f: { file: string; line: number; severity: string; code: string }) => `${f.file}:${f.line} ${f.severity} ${f.code}`;

describeCorpus('tripleo lint on released trees: every remaining error and warning is expected, with its reason', (trees) => {
  for (const tree of trees) {
    it(`${tree}: lints as released with exactly the expected findings (test/corpus/expected/${tree}.json)`, function () {
      const root = corpusTree(tree);
      const found = lint([root], root).filter((r) => r.severity === 'error' || r.severity === 'warning');
      const file = path.join(EXPECTED_DIR, `${tree}.json`);
      if (process.env.UPDATE_EXPECTED) {
        const old = new Map((fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Expected[]) : []).map((e) => [key(e), e.reason]));
        const next: Expected[] = found.map((f) => ({
          file: f.file,
          line: f.line,
          severity: f.severity,
          code: f.code,
          message: f.message,
          reason: old.get(key(f)) ?? REASONS[f.code] ?? '',
        }));
        fs.mkdirSync(EXPECTED_DIR, { recursive: true });
        fs.writeFileSync(file, `${JSON.stringify(next, null, 1)}\n`);
      }
      const expected = JSON.parse(fs.readFileSync(file, 'utf8')) as Expected[];
      for (const e of expected) assert.ok(e.reason.trim(), `${key(e)} has no reason`);
      assert.deepEqual(found.map(key).sort(), expected.map(key).sort());
      // the bar: no error on a released tree that is not explained as Heat refusing it
      for (const e of expected.filter((x) => x.severity === 'error')) assert.match(e.reason, /Heat refuses/, key(e));
      // a real tree that lints clean of everything would mean the checks did not run
      assert.ok(found.length > 0);
    });
  }
});
