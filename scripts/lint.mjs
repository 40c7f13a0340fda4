// `npm run lint`: ESLint (the layer rules of eslint.config.mjs) and Prettier's check over src/ and
// test/, one check per file and tool; ends with "lint: N passed, N failed" like the test tiers.
//   node scripts/lint.mjs [files...]      (default: every .ts file under src/ and test/)
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = process.argv.slice(2);
const files = args.length ? args : execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src', 'test'], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.ts'));

let passed = 0;
let failed = 0;
const eslint = new ESLint({ cwd: root });
const formatter = await eslint.loadFormatter('stylish');
const results = (await eslint.lintFiles(files)).filter((r) => !r.messages.some((m) => m.message.startsWith('File ignored')));
for (const r of results) r.errorCount ? failed++ : passed++;
const text = await formatter.format(results.filter((r) => r.errorCount));
if (text) process.stdout.write(text);

const config = await prettier.resolveConfig(path.join(root, 'src/index.ts'));
const unformatted = [];
for (const f of files) {
  if ((await prettier.getFileInfo(f, { ignorePath: path.join(root, '.prettierignore') })).ignored) continue;
  if (await prettier.check(fs.readFileSync(f, 'utf8'), { ...config, filepath: f })) passed++;
  else {
    failed++;
    unformatted.push(f);
  }
}
if (unformatted.length) console.log(`prettier: ${unformatted.length} file(s) not formatted (npx prettier --write <file>):\n  ${unformatted.join('\n  ')}`);
console.log(`lint: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
