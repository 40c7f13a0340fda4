// Loaded by VS Code's extension host through extensionTestsPath: runs every *.test.js beside it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Runs the *.test.js files of one folder with mocha and leaves its counts in `EXTHOST_SUMMARY` (a JSON
 * file) for test/support/exthost.js, which runs several suites and prints the tier's one total line.
 */
export function runSuite(dir: string, suite: string): Promise<void> {
  // EXTHOST_GREP runs only the matching tests while working on one part
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', grep: process.env.EXTHOST_GREP || undefined });
  for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      const summary = process.env.EXTHOST_SUMMARY;
      if (summary) fs.writeFileSync(summary, JSON.stringify({ suite, passed, failed: failures }));
      console.log(`${suite} suite: ${passed} passing, ${failures} failing`);
      if (failures) reject(new Error(`${failures} extension host tests failed`));
      else resolve();
    });
  });
}

export function run(): Promise<void> {
  return runSuite(__dirname, 'sample');
}
