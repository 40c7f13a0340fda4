import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { md5 } from '../../src/openstack/swift';
import { PlanError } from '../../src/tripleo/errors';
import { RESERVED_PREFIX } from '../../src/tripleo/localPlan';
import { readPlanData, writePlanData } from '../../src/tripleo/planData';
import { JOURNAL } from '../../src/tripleo/upload';
import { LOCK_OBJECT } from '../../src/tripleo/planLock';
import { createPlan, deletePlan, exportPlan } from '../../src/tripleo/plans';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { Undercloud } from '../../src/tripleo/undercloud';
import { readTree } from '../support/files';
import { ROOT, uniqueName, undercloudProfile } from '../support/undercloud';
import { cli, planFolder, restoreDaemon, signalDaemon, sleep, startCli, tempDir } from './support';

const SAMPLE = path.join(ROOT, 'samples/overcloud-lite');

/** The plan's files in Swift (not the bookkeeping objects) by name, with their MD5 from the listing. */
async function remoteFiles(uc: Undercloud, plan: string): Promise<Map<string, string>> {
  const objects = (await uc.swift.listObjects(plan)).filter((o) => !o.name.startsWith(RESERVED_PREFIX));
  return new Map(objects.map((o) => [o.name, o.hash]));
}

function assertSameFiles(actual: Map<string, string>, folder: string, what: string) {
  const expected = new Map([...readTree(folder)].map(([k, v]) => [k, md5(v)]));
  const differing = [...expected.keys()].filter((k) => actual.get(k) !== expected.get(k));
  const extra = [...actual.keys()].filter((k) => !expected.has(k));
  assert.deepEqual(
    { differing: differing.slice(0, 5), differingCount: differing.length, extra: extra.slice(0, 5), extraCount: extra.length },
    { differing: [], differingCount: 0, extra: [], extraCount: 0 },
    what,
  );
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('faults: plans under killed clients, a killed Swift and two clients at once', function () {
  this.timeout(600_000);
  let uc: Undercloud;
  let work: string;
  const plans: string[] = [];
  const newPlan = (prefix: string) => {
    const p = uniqueName(prefix);
    plans.push(p);
    return p;
  };

  before(() => {
    uc = new Undercloud(undercloudProfile());
    work = tempDir('plans');
  });
  after(async () => {
    for (const p of plans) await deletePlan(uc, p).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
    uc.dispose();
  });

  it("two `plan update`s at once: one wins, the other is refused naming the holder, and the plan is exactly the winner's folder", async () => {
    const plan = newPlan('race');
    await createPlan(uc, plan, SAMPLE);
    const b = planFolder(work, 'bbbb', 200);
    const c = planFolder(work, 'cccc', 200);
    const [rb, rc] = await Promise.all([cli('plan', 'update', plan, '--templates', b), cli('plan', 'update', plan, '--templates', c)]);
    const codes = [rb.code, rc.code].sort();
    assert.deepEqual(codes, [0, 1], `exit codes ${rb.code}/${rc.code}: ${rb.stderr} ${rc.stderr}`);
    const [winner, loser] = rb.code === 0 ? [b, rc] : [c, rb];
    assert.match(loser.stderr, /plan ".*" is busy: plan update by \S+@\S+ \(pid \d+, since [^)]+\); try again when it has finished/);
    assertSameFiles(await remoteFiles(uc, plan), winner, "the plan holds the winner's files, nothing of the loser's");
    assert.equal(await uc.swift.objectMetadata(plan, JOURNAL), undefined);
    assert.equal(await uc.swift.objectMetadata(plan, LOCK_OBJECT), undefined, 'the lock is released');
  });

  it('a `plan update` SIGKILLed midway: readers roll it back first (export is the old plan), the dead lock is taken over, `plan list` counts only files', async () => {
    const plan = newPlan('killed');
    const before = planFolder(work, 'old', 50);
    await createPlan(uc, plan, before);
    const next = planFolder(work, 'new', 600);
    const run = startCli('plan', 'update', plan, '--templates', next);
    // kill it once the journal is there and part of the new files are written
    await until('the upload to start writing', async () => (await uc.swift.listObjects(plan, { prefix: 'extra/f01' })).length > 0);
    run.child.kill('SIGKILL');
    await run.done;
    assert.ok(await uc.swift.objectMetadata(plan, JOURNAL), 'the killed upload left its journal');
    assert.ok(await uc.swift.objectMetadata(plan, LOCK_OBJECT), 'the killed upload left its lock');

    const out = path.join(work, `export-${plan}`);
    const exported = await cli('plan', 'export', plan, out);
    assert.equal(exported.code, 0, exported.stderr);
    const got = readTree(out);
    got.delete('plan-environment.yaml');
    const expected = readTree(before);
    expected.delete('plan-environment.yaml');
    assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
    for (const [k, v] of expected) assert.equal(got.get(k), v, k);
    assert.equal(await uc.swift.objectMetadata(plan, JOURNAL), undefined, 'rolled back');

    const listed = JSON.parse((await cli('plan', 'list', '--json')).stdout) as { name: string; objects: number }[];
    assert.equal(listed.find((p) => p.name === plan)?.objects, readTree(before).size);

    const again = await cli('plan', 'update', plan, '--templates', next);
    assert.equal(again.code, 0, again.stderr);
    assertSameFiles(await remoteFiles(uc, plan), next, 'the next update completes');
  });

  it('Swift killed during `plan create`: no false "left as it was", and the same create again resumes it', async () => {
    const plan = newPlan('swiftkill');
    const folder = planFolder(work, 'sk', 600);
    const run = startCli('plan', 'create', plan, '--templates', folder);
    try {
      await until('the create to write files', async () => (await uc.swift.listObjects(plan, { prefix: 'extra/' }).catch(() => [])).length >= 50);
      signalDaemon('swift-proxy', 'SIGKILL');
      const r = await run.done;
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /left as it was before/);
      assert.match(r.stderr, /run the same "plan create" again to resume it/);
      const lines = r.stderr.trim().split('\n');
      assert.ok(lines.length <= 3, `a short report, not one line per retried request:\n${r.stderr}`);
    } finally {
      run.child.kill('SIGKILL');
      await restoreDaemon('swift-proxy');
    }
    const again = await cli('plan', 'create', plan, '--templates', folder);
    assert.equal(again.code, 0, again.stderr);
    assertSameFiles(await remoteFiles(uc, plan), folder, 'the resumed create holds the folder');
    const listed = JSON.parse((await cli('plan', 'list', '--json')).stdout) as { name: string; objects: number }[];
    assert.equal(listed.find((p) => p.name === plan)?.objects, readTree(folder).size);
  });

  it('a Swift outage gives one warning and the error, no line per retry and no URL per line', async () => {
    signalDaemon('swift-proxy', 'SIGKILL');
    try {
      const r = await cli('plan', 'list');
      assert.equal(r.code, 1);
      const lines = r.stderr.trim().split('\n');
      assert.ok(lines.length <= 2, r.stderr);
      assert.ok((r.stderr.match(/http:\/\//g) ?? []).length <= 1, r.stderr);
      assert.match(r.stderr, /swift is not answering/);
    } finally {
      await restoreDaemon('swift-proxy');
    }
  });

  it('`capabilities get` of a missing plan prints only the refusal (no reused closed connection, no retry warning)', async () => {
    const r = await cli('capabilities', 'get', uniqueName('missing'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tripleo: plan ".*" does not exist\n$/);
  });

  it('plan names are checked by every command and library call, before any URL is built', async () => {
    const plan = newPlan('names');
    await createPlan(uc, plan, SAMPLE);
    const count = (await uc.swift.containerInfo(plan))!.count;
    for (const args of [
      ['plan', 'delete', `zz/../${plan}`],
      ['plan', 'delete', '../x'],
      ['deploy', '..'],
      ['parameters', 'get', '..'],
      ['plan', 'export', `a/../${plan}`, path.join(work, 'x')],
    ]) {
      const r = await cli(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /^tripleo: invalid plan name: /, `${args.join(' ')}: ${r.stderr}`);
    }
    await assert.rejects(deletePlan(uc, `zz/../${plan}`), (e: Error) => e instanceof PlanError && e.code === 'invalid-plan-name');
    await assert.rejects(exportPlan(uc, '..', path.join(work, 'y')), (e: Error) => e instanceof PlanError && e.code === 'invalid-plan-name');
    await assert.rejects(uc.swift.deleteObject(`zz/../${plan}`, 'capabilities-map.yaml'), /invalid container name/);
    await assert.rejects(uc.swift.listObjects('..'), /invalid container name/);
    await assert.rejects(uc.heat.getStack('..'), /invalid name in a URL/);
    assert.equal((await uc.swift.containerInfo(plan))!.count, count, 'nothing of the plan was deleted');
  });

  it('plan data: a write based on a stale read is refused, nothing is lost', async () => {
    const plan = newPlan('stale');
    await createPlan(uc, plan, SAMPLE);
    const first = (await readPlanData(uc.mistral, plan))!;
    const second = (await readPlanData(uc.mistral, plan))!;
    await writePlanData(uc.mistral, plan, { ...first, parameter_defaults: { ...first.parameter_defaults, DeployIdentifier: 'from-a-deploy' } });
    await assert.rejects(
      writePlanData(uc.mistral, plan, { ...second, parameter_defaults: { ...second.parameter_defaults, ComputeCount: 3 } }),
      (e: Error) => e instanceof PlanError && e.code === 'plan-changed',
    );
    assert.equal((await readPlanData(uc.mistral, plan))!.parameter_defaults.DeployIdentifier, 'from-a-deploy');
  });

  it('10,000 unknown parameters give a short error that says how many more there are', async () => {
    const plan = newPlan('many');
    await createPlan(uc, plan, SAMPLE);
    const values = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`NoSuchParameter${i}`, i]));
    await assert.rejects(updatePlanParameters(uc, plan, values), (e: Error) => {
      assert.ok(e.message.length < 3000, `${e.message.length} characters`);
      assert.match(e.message, /… and 9980 more$/);
      return true;
    });
  });
});
