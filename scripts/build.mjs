// One build for everything: the three bundles in dist/ and the test tree in out/.
//   node scripts/build.mjs [--production] [--watch] [--no-tests]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const bundles = [
  // the extension host provides `vscode`; everything else is bundled so the .vsix needs no node_modules
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

function tsFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

// Tests run against the sources file by file (not bundled) so that a test can import any module.
const testTree = {
  entryPoints: [...tsFiles('src'), ...tsFiles('test')],
  outdir: 'out',
  outbase: '.',
  bundle: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: root,
};

const configs = args.has('--no-tests') || production ? bundles : [...bundles, testTree];

// Mistral workbooks are data read at run time from beside the code that installs them.
function copyWorkbooks() {
  const from = path.join(root, 'src/tripleo/workbooks');
  for (const to of [path.join(root, 'dist/workbooks'), ...(configs.includes(testTree) ? [path.join(root, 'out/src/tripleo/workbooks')] : [])]) {
    fs.mkdirSync(to, { recursive: true });
    for (const f of fs.readdirSync(from)) if (f.endsWith('.yaml')) fs.copyFileSync(path.join(from, f), path.join(to, f));
  }
}
const t0 = Date.now();
if (watch) {
  copyWorkbooks();
  for (const c of configs) await (await esbuild.context(c)).watch();
  console.log('watching for changes');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
  copyWorkbooks();
  fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755);
  console.log(`built ${configs.length} targets in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
}
