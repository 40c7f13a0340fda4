import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const fixture = (name: string) => fs.readFileSync(path.join(ROOT, 'test/lint-fixtures', name), 'utf8');

interface LintMessage {
  ruleId: string | null;
  line: number;
  message: string;
}

// The lint step of `npm test` (scripts/lint.mjs) runs eslint.config.mjs: these lint fixture files
// as if they stood in a layer of src/, through ESLint itself.
describe('the layer rule of the lint step', function () {
  this.timeout(120_000);
  let lint: (text: string, asFile: string) => Promise<LintMessage[]>;

  before(async () => {
    const { ESLint } = (await import('eslint')) as typeof import('eslint');
    const eslint = new ESLint({ cwd: ROOT });
    lint = async (text, asFile) => (await eslint.lintText(text, { filePath: path.join(ROOT, asFile) }))[0].messages;
  });

  it('fails src/openstack importing the TripleO library', async () => {
    const messages = await lint(fixture('openstackImportsTripleo.ts.fixture'), 'src/openstack/lintFixture.ts');
    assert.deepEqual(
      messages.map((m) => [m.ruleId, m.line]),
      [['no-restricted-imports', 2]],
    );
    assert.match(messages[0].message, /src\/openstack imports nothing of ours/);
  });

  it('lets src/language read a shared reader of src/tripleo but fails it importing the rest', async () => {
    const messages = await lint(fixture('languageImportsPlans.ts.fixture'), 'src/language/lintFixture.ts');
    assert.deepEqual(
      messages.map((m) => [m.ruleId, m.line]),
      [['no-restricted-imports', 3]],
    );
  });

  it('fails vscode outside src/extension, and passes the same file in src/extension', async () => {
    const text = fixture('tripleoImportsVscode.ts.fixture');
    assert.deepEqual(
      (await lint(text, 'src/tripleo/lintFixture.ts')).map((m) => [m.ruleId, m.line, m.message]),
      [['no-restricted-imports', 2, "'vscode' import is restricted from being used. only src/extension imports vscode"]],
    );
    assert.deepEqual(await lint(text, 'src/extension/lintFixture.ts'), []);
  });

  it('passes the tree as it is', async () => {
    const { ESLint } = (await import('eslint')) as typeof import('eslint');
    const results = await new ESLint({ cwd: ROOT }).lintFiles(['src']);
    assert.deepEqual(
      results.flatMap((r) => r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.message}`)),
      [],
    );
  });
});
