import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planFixture, ROOT, tripleoCli, uniqueName } from '../support/undercloud';

describe('the tripleo CLI on the real undercloud', function () {
  this.timeout(180_000);
  const plan = uniqueName('cli');
  let dir: string;
  const tripleo = tripleoCli();
  const fails = async (args: string[], pattern: RegExp) => {
    await assert.rejects(tripleo(...args), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr.trim(), pattern);
      assert.equal(e.stderr.trim().split('\n').length, 1, `not one line: ${e.stderr}`);
      return true;
    });
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-cli-'));
  });
  after(async () => {
    await tripleo('plan', 'delete', plan).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a plan and lists it as JSON', async () => {
    const created = JSON.parse((await tripleo('plan', 'create', plan, '--templates', path.join(ROOT, 'samples/overcloud-lite'), '--json')).stdout);
    assert.equal(created.status, 'SUCCESS');
    const plans = JSON.parse((await tripleo('plan', 'list', '--json')).stdout) as { name: string; objects: number }[];
    assert.ok(plans.some((p) => p.name === plan && p.objects >= 20));
  });

  it('sets capabilities, and refuses a conflict with one line and exit code 1', async () => {
    const r = JSON.parse((await tripleo('capabilities', 'set', plan, '--enable', 'environments/storage-lvm.yaml', '--json')).stdout);
    assert.deepEqual(r.environments, ['overcloud-resource-registry.yaml', 'environments/storage-lvm.yaml']);
    await fails(
      ['capabilities', 'set', plan, '--enable', 'environments/storage-ceph.yaml'],
      /^tripleo: .*storage-lvm.yaml and environments\/storage-ceph.yaml are mutually exclusive/,
    );
    const topics = JSON.parse((await tripleo('capabilities', 'get', plan, '--json')).stdout) as {
      groups: { environments: { file: string; enabled: boolean }[] }[];
    }[];
    const lvm = topics.flatMap((t) => t.groups.flatMap((g) => g.environments)).find((e) => e.file === 'environments/storage-lvm.yaml');
    assert.equal(lvm?.enabled, true);
  });

  it('sets parameters from a YAML file keeping types, masks hidden values, and refuses bad values', async () => {
    const file = path.join(dir, 'params.yaml');
    fs.writeFileSync(file, 'parameter_defaults:\n  ComputeCount: 4\n  Debug: yes\n');
    const r = JSON.parse((await tripleo('parameters', 'set', plan, file, '--json')).stdout);
    assert.deepEqual(r.changed.sort(), ['ComputeCount', 'Debug']);
    const params = JSON.parse((await tripleo('parameters', 'get', plan, '--json')).stdout) as { name: string; value: unknown }[];
    assert.equal(params.find((p) => p.name === 'ComputeCount')?.value, 4);
    assert.equal(params.find((p) => p.name === 'Debug')?.value, true);
    const admin = params.find((p) => p.name === 'AdminPassword');
    assert.ok(admin);
    assert.notEqual(admin.value, undefined);
    fs.writeFileSync(file, 'ComputeCount: 500\n');
    await fails(['parameters', 'set', plan, file], /^tripleo: Heat refused the values, nothing was changed: .*ComputeCount/);
    fs.writeFileSync(file, 'ComputeCount: [4\n');
    await fails(['parameters', 'set', plan, file], new RegExp(`^tripleo: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `));
  });

  it('lists roles', async () => {
    const roles = JSON.parse((await tripleo('roles', 'list', plan, '--json')).stdout) as { name: string }[];
    assert.deepEqual(
      roles.map((r) => r.name),
      ['Controller', 'Compute'],
    );
  });

  it('exports the plan', async () => {
    const out = path.join(dir, 'export');
    assert.match((await tripleo('plan', 'export', plan, out)).stdout, /exported \d+ files/);
    assert.ok(fs.existsSync(path.join(out, 'capabilities-map.yaml')));
  });

  it('deletes the plan, then says it does not exist', async () => {
    assert.match((await tripleo('plan', 'delete', plan)).stdout, /deleted/);
    await fails(['plan', 'delete', plan], /^tripleo: delete_deployment_plan failed: plan ".*" does not exist$/);
  });
});

describe('tripleo deploy, stack and execution commands', function () {
  this.timeout(300_000);
  const { plan } = planFixture('clideploy');
  const tripleo = tripleoCli();

  const exitsWith = async (args: string[], code: number, pattern: RegExp) =>
    assert.rejects(tripleo(...args), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, code, e.stderr);
      assert.match(e.stderr, pattern);
      return true;
    });

  it('deploy --diff on a plan without a stack says a deploy creates it, and changes nothing', async () => {
    const { stdout } = await tripleo('deploy', plan, '--diff');
    assert.match(stdout, new RegExp(`^plan ${plan} has no stack yet: a deploy creates it from \\d+ files`));
    await exitsWith(['stack', 'status', plan], 1, /has no stack/);
  });

  it('does not deploy without --yes when stdin is not a terminal (exit 2)', async () => {
    await exitsWith(['deploy', plan], 2, new RegExp(`tripleo: not deploying ${plan} without a confirmation: give --yes`));
    await exitsWith(['stack', 'status', plan], 1, /has no stack/);
  });

  it('deploy --validate stops on a failing pre-deployment group (exit 3) and creates no stack', async () => {
    const file = path.join(os.tmpdir(), `${plan}-counts.yaml`);
    fs.writeFileSync(file, 'ComputeCount: 50\n');
    await tripleo('parameters', 'set', plan, file);
    await exitsWith(
      ['deploy', plan, '--validate', '--yes'],
      3,
      /node_counts[\s\S]*tripleo: not deploying .*: \d+ pre-deployment validation\(s\) failed \(--force deploys anyway\)/,
    );
    await exitsWith(['stack', 'status', plan], 1, /has no stack/);
    fs.writeFileSync(file, 'ComputeCount: 2\n');
    await tripleo('parameters', 'set', plan, file);
    fs.rmSync(file);
  });

  it('deploys with --wait, printing progress and events, and ends with the stack state and outputs', async () => {
    const { stdout, stderr } = await tripleo('deploy', plan, '--yes', '--wait', '--timeout', '10');
    assert.match(stdout, new RegExp(`stack "${plan}" create started \\(execution [0-9a-f-]{36}\\)`));
    assert.match(stdout, new RegExp(`stack ${plan}: CREATE_COMPLETE`));
    assert.match(stdout, /RoleCounts: \{"Controller":1,"Compute":2\}/);
    assert.match(stderr, /CREATE_COMPLETE \d+\/\d+ resources complete/);
    assert.match(stderr, /Controller CREATE_COMPLETE/);
  });

  it('shows the stack status, events and outputs', async () => {
    assert.match((await tripleo('stack', 'status', plan)).stdout, /CREATE_COMPLETE \((\d+)\/\1 resources complete\)/);
    assert.match((await tripleo('stack', 'events', plan, '--limit', '5')).stdout, /CREATE_COMPLETE/);
    const outputs = JSON.parse((await tripleo('stack', 'outputs', plan, '--json')).stdout);
    assert.equal(outputs.StackAction, 'CREATE');
  });

  it('deploy --diff after a change: the changed template with its text diff, and the parameter', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-cli-diff-'));
    try {
      fs.cpSync(path.join(ROOT, 'samples/overcloud-lite'), dir, { recursive: true });
      const template = 'puppet/controller-role.yaml';
      const text = fs.readFileSync(path.join(dir, template), 'utf8');
      assert.ok(text.includes('One Controller node.'));
      fs.writeFileSync(path.join(dir, template), text.replace('One Controller node.', 'One Controller node, changed by the CLI test.'));
      await tripleo('plan', 'update', plan, '--templates', dir);
      const file = path.join(dir, 'values.yaml');
      fs.writeFileSync(file, 'ComputeCount: 1\n');
      await tripleo('parameters', 'set', plan, file);
      const { stdout } = await tripleo('deploy', plan, '--diff');
      assert.match(stdout, new RegExp(`^plan ${plan} against its stack \\(CREATE_COMPLETE\\): [1-9]\\d* change\\(s\\)`));
      assert.match(stdout, new RegExp(`^  M ${template}$`, 'm'));
      assert.match(stdout, /^ {2}ComputeCount: "?2"? -> 1$/m);
      assert.match(stdout, new RegExp(`^--- stack/${template}\n\\+\\+\\+ plan/${template}\n@@ -\\d+,\\d+ \\+\\d+,\\d+ @@`, 'm'));
      assert.match(stdout, /^\+ {2}One Controller node, changed by the CLI test\. Without Nova/m);
      assert.match(stdout, /^- {2}One Controller node\. Without Nova/m);
      const json = JSON.parse((await tripleo('deploy', plan, '--diff', '--json')).stdout) as {
        files: { path: string; change: string; before: string; after: string }[];
      };
      assert.deepEqual(
        json.files.map((f) => [f.change, f.path]),
        [['changed', template]],
      );
      assert.ok(json.files[0].after.includes('changed by the CLI test') && !json.files[0].before.includes('changed by the CLI test'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists and shows the executions of the plan', async () => {
    const list = JSON.parse((await tripleo('execution', 'list', '--plan', plan, '--json')).stdout) as { id: string; workflow_name: string; state: string }[];
    // newest first; the validations and the plan update of the tests above came between
    const names = list.map((e) => e.workflow_name);
    assert.equal(names.at(-1), 'tripleo.plan_management.v1.create_deployment_plan');
    assert.deepEqual(
      names.filter((n) => n.endsWith('.deploy_plan')),
      ['tripleo.deployment.v1.deploy_plan'],
    );
    assert.ok(names.includes('tripleo.validations.v1.run_group'));
    const deployOnly = JSON.parse((await tripleo('execution', 'list', '--plan', plan, '--workflow', 'deploy_plan', '--json')).stdout) as { id: string }[];
    assert.equal(deployOnly.length, 1);
    const shown = JSON.parse((await tripleo('execution', 'show', deployOnly[0].id, '--json')).stdout) as { state: string; tasks: { name: string }[] };
    assert.equal(shown.state, 'SUCCESS');
    assert.ok(shown.tasks.some((t) => t.name === 'create_stack'));
  });
});
