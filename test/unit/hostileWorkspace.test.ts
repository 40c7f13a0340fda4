import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TripleOLanguageService } from '../../src/language/languageService';
import { buildPlanIndex } from '../../src/language/planIndex';
import { fullMatch } from '../../src/language/boundedMatch';
import { normalizePath } from '../../src/tripleo/capabilitiesMap';

const exec = promisify(execFile);

const ROOT = 'file:///hostile';
const template = (pattern: string) =>
  `heat_template_version: rocky\nparameters:\n  Name:\n    type: string\n    constraints:\n      - allowed_pattern: '${pattern}'\nresources: {}\n`;

describe('a hostile workspace: patterns', () => {
  it('stops a backtracking allowed_pattern and reports the value as not checked (a warning), not as valid', () => {
    const env = `parameter_defaults:\n  Name: ${'a'.repeat(30)}c\n`;
    const index = buildPlanIndex(
      ROOT,
      new Map([
        ['overcloud.yaml', template('(a+)+b')],
        ['environments/e.yaml', env],
      ]),
    );
    const started = Date.now();
    const diags = new TripleOLanguageService().validate(TextDocument.create(`${ROOT}/environments/e.yaml`, 'yaml', 1, env), [index]);
    const took = Date.now() - started;
    assert.deepEqual(
      diags.map((d) => [d.code, d.severity]),
      [['env-value-unchecked', 2]],
    );
    assert.match(String(diags[0].message), /allowed_pattern \(a\+\)\+b was not checked/);
    assert.ok(took < 5_000, `took ${took} ms`);
  });

  it('still decides ordinary patterns either way', () => {
    assert.equal(fullMatch('[a-z]+', 'abc'), true);
    assert.equal(fullMatch('[a-z]+', 'abc1'), false);
    assert.equal(fullMatch('(a+)+b', 'aaab'), true);
    assert.equal(fullMatch('(a+)+b', `${'a'.repeat(30)}c`), undefined);
    const env = 'parameter_defaults:\n  Name: abc1\n';
    const index = buildPlanIndex(
      ROOT,
      new Map([
        ['overcloud.yaml', template('[a-z]+')],
        ['environments/e.yaml', env],
      ]),
    );
    const diags = new TripleOLanguageService().validate(TextDocument.create(`${ROOT}/environments/e.yaml`, 'yaml', 1, env), [index]);
    assert.deepEqual(
      diags.map((d) => [d.code, d.severity]),
      [['env-invalid-value', 1]],
    );
  });
});

describe('a hostile workspace: links and paths', () => {
  const ROOT_DIR = path.resolve(__dirname, '../../..');
  const cli = path.join(ROOT_DIR, 'dist/cli.js');
  let dir: string;
  let outside: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-hostile-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-outside-'));
    fs.cpSync(path.join(ROOT_DIR, 'samples/overcloud-lite'), dir, { recursive: true });
    fs.writeFileSync(path.join(outside, 'stolen.yaml'), 'parameter_defaults:\n  NotOurs: 1\n');
    fs.symlinkSync('.', path.join(dir, 'environments/loop'));
    fs.symlinkSync(path.join(outside, 'stolen.yaml'), path.join(dir, 'environments/stolen.yaml'));
    fs.symlinkSync('debug.yaml', path.join(dir, 'environments/debug-link.yaml'));
    fs.writeFileSync(path.join(dir, 'environments/climb.yaml'), 'resource_registry:\n  OS::TripleO::Climb: ../../../etc/x.yaml\n');
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('lint follows no link loop nor a link out of the folder, says so, and prints its JSON', async () => {
    const run = await exec('node', [cli, 'lint', dir, '--format', 'json']).catch((e: { code: number; stdout: string; stderr: string }) => e);
    assert.doesNotMatch(run.stderr, /ELOOP|at .*\.js/);
    const results = JSON.parse(run.stdout) as { file: string; code: string; severity: string; message: string }[];
    const links = results.filter((r) => r.code === 'link-not-followed').map((r) => [path.basename(r.file), r.severity, r.message]);
    assert.deepEqual(links.sort(), [
      ['loop', 'warning', 'symbolic link to a folder not followed (it may loop)'],
      ['stolen.yaml', 'warning', `symbolic link not followed: it leads out of ${fs.realpathSync(dir)}`],
    ]);
    assert.equal(results.filter((r) => r.file.includes('loop/')).length, 0);
    // a link to a file of the plan itself is checked like the file
    assert.ok(!results.some((r) => r.file.endsWith('debug-link.yaml') && r.code === 'link-not-followed'));
  });

  it('reports a registry path that climbs above the plan root instead of clamping it to the root', async () => {
    const run = await exec('node', [cli, 'lint', path.join(dir, 'environments/climb.yaml'), '--format', 'json']).catch((e: { stdout: string }) => e);
    const results = JSON.parse(run.stdout) as { code: string; message: string }[];
    const climb = results.find((r) => r.code === 'path-outside-plan');
    assert.ok(climb, JSON.stringify(results));
    assert.match(climb.message, /climbs above the plan folder/);
    assert.equal(normalizePath('environments/../../x.yaml'), '../x.yaml');
    assert.equal(normalizePath('a/b/../../c.yaml'), 'c.yaml');
  });

  it('reports a capabilities-map entry that climbs above the plan root', () => {
    const map =
      'root_template: t.yaml\ntopics:\n  - title: T\n    environment_groups:\n      - title: G\n        environments:\n          - file: environments/../../../etc/passwd.yaml\n            title: Up\n';
    const index = buildPlanIndex(
      ROOT,
      new Map([
        ['t.yaml', template('x')],
        ['capabilities-map.yaml', map],
      ]),
    );
    const diags = new TripleOLanguageService().validate(TextDocument.create(`${ROOT}/capabilities-map.yaml`, 'yaml', 1, map), [index]);
    const up = diags.find((d) => d.code === 'path-outside-plan');
    assert.ok(up, JSON.stringify(diags));
    assert.match(String(up.message), /^\.\.\/\.\.\/etc\/passwd\.yaml climbs above the plan folder/);
  });
});
