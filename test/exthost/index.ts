// Loaded by VS Code's extension host through extensionTestsPath: runs every *.test.js beside it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // EXTHOST_GREP runs only the matching tests while working on one part
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', grep: process.env.EXTHOST_GREP || undefined });
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      console.log(`exthost: ${passed} passed, ${failures} failed`);
      if (failures) reject(new Error(`${failures} extension host tests failed`));
      else resolve();
    });
  });
}
