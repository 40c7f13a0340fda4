import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');
const cli = path.join(ROOT, 'dist/cli.js');

describe('tripleo lint', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-lint-'));
    fs.cpSync(path.join(ROOT, 'samples/overcloud-lite'), dir, { recursive: true });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes the sample plan (exit 0, only the information about the unmapped environment)', async () => {
    const { stdout } = await exec('node', [cli, 'lint', dir, '--format', 'json']);
    const results = JSON.parse(stdout) as { code: string; severity: string }[];
    assert.deepEqual(
      results.map((r) => [r.code, r.severity]),
      [['env-not-in-map', 'information']],
    );
  });

  it('reports problems with 1-based positions and exits 1 on errors', async () => {
    const bad = path.join(dir, 'environments/bad.yaml');
    fs.writeFileSync(bad, 'parameter_defaults:\n  ComputeCont: 2\n  ComputeCount: 99\n');
    await assert.rejects(exec('node', [cli, 'lint', bad, '--format', 'json']), (e: { code: number; stdout: string }) => {
      assert.equal(e.code, 1);
      const results = JSON.parse(e.stdout) as {
        file: string;
        line: number;
        column: number;
        endColumn: number;
        severity: string;
        code: string;
        message: string;
      }[];
      const byCode = Object.fromEntries(results.map((r) => [r.code, r]));
      assert.deepEqual([byCode['env-unknown-parameter'].line, byCode['env-unknown-parameter'].column, byCode['env-unknown-parameter'].endColumn], [2, 3, 14]);
      assert.equal(byCode['env-invalid-value'].severity, 'error');
      assert.deepEqual([byCode['env-invalid-value'].line, byCode['env-invalid-value'].column], [3, 17]);
      assert.match(byCode['env-unknown-parameter'].message, /did you mean "ComputeCount"\?/);
      return true;
    });
    const text = await exec('node', [cli, 'lint', bad]).catch((e: { stdout: string }) => e);
    assert.match(text.stdout, /bad\.yaml:3:17: error env-invalid-value: Deploy between 0 and 50 Compute nodes/);
  });
});
