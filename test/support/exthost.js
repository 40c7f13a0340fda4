// The extension-host tier through the standard @vscode/test-electron API; the "VS Code executable"
// is codeLauncher.sh, which runs the suite in code-server (no desktop VS Code or Electron here).
'use strict';
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '../..');
runTests({
  vscodeExecutablePath: path.join(__dirname, 'codeLauncher.sh'),
  extensionDevelopmentPath: root,
  extensionTestsPath: path.join(root, 'out/test/exthost/index'),
  launchArgs: [path.join(root, 'samples/overcloud-lite'), '--disable-extensions'],
})
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(`extension host tests failed: ${e.message ?? e}`);
    process.exit(1);
  });
