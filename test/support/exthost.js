// The extension-host tier through the standard @vscode/test-electron API; the "VS Code executable"
// is codeLauncher.sh, which runs the suite in code-server (no desktop VS Code or Electron here).
// Two suites: the sample (samples/overcloud-lite) and, when the corpus is there, a released
// tripleo-heat-templates tree opened as the workspace. The last line is the tier's total.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '../..');
const results = path.join(root, 'test-results/exthost');
// the corpus helpers, compiled with the tests (out/test/support/corpus.js)
const corpus = require(path.join(root, 'out/test/support/corpus'));
const CORPUS_TREE = process.env.EXTHOST_CORPUS_TREE || 'queens';

async function suite(name, workspace, tests) {
  const summary = path.join(results, `summary-${name}.json`);
  fs.mkdirSync(results, { recursive: true });
  fs.rmSync(summary, { force: true });
  try {
    await runTests({
      vscodeExecutablePath: path.join(__dirname, 'codeLauncher.sh'),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, tests),
      launchArgs: [workspace, '--disable-extensions'],
      extensionTestsEnv: { EXTHOST_SUMMARY: summary },
    });
  } catch (e) {
    console.error(`extension host suite "${name}" failed: ${e.message ?? e}`);
  }
  // a suite that never reported (the harness or the host died) counts as one failure
  return fs.existsSync(summary) ? JSON.parse(fs.readFileSync(summary, 'utf8')) : { suite: name, passed: 0, failed: 1 };
}

(async () => {
  const counts = [];
  if (process.env.EXTHOST_SUITE !== 'corpus') counts.push(await suite('sample', path.join(root, 'samples/overcloud-lite'), 'out/test/exthost/index'));
  if (process.env.EXTHOST_SUITE !== 'sample') {
    if (corpus.corpusTrees().includes(CORPUS_TREE)) {
      // a private copy: the suite adds an environment and edits files of the tree
      const tree = corpus.copyCorpusTree(CORPUS_TREE);
      try {
        counts.push(await suite('corpus', tree, 'out/test/exthost/corpus/index'));
      } finally {
        fs.rmSync(tree, { recursive: true, force: true });
      }
    } else {
      console.log(`corpus suite skipped: no ${CORPUS_TREE} tree in the tripleo-heat-templates corpus (THT_CORPUS or ../shared/corpus/tripleo-heat-templates)`);
    }
  }
  const passed = counts.reduce((n, c) => n + c.passed, 0);
  const failed = counts.reduce((n, c) => n + c.failed, 0);
  console.log(`exthost: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
