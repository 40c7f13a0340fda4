import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlanError } from '../../src/tripleo/errors';
import { deployPlan } from '../../src/tripleo/deploy';
import { NodeSpec } from '../../src/tripleo/instackenv';
import { registerNodes } from '../../src/tripleo/nodes';
import { readPlanData } from '../../src/tripleo/planData';
import { createPlan } from '../../src/tripleo/plans';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { Undercloud } from '../../src/tripleo/undercloud';
import { runWorkflow } from '../../src/tripleo/workflows';
import { removeStackAndPlan, ROOT, uniqueName, undercloudProfile } from '../support/undercloud';
import { cli, planFolder, restoreDaemon, signalDaemon, sleep, tempDir } from './support';

const SAMPLE = path.join(ROOT, 'samples/overcloud-lite');

describe('faults: a deploy holds its plan, a killed Heat or Mistral leaves a way out', function () {
  this.timeout(600_000);
  let uc: Undercloud;
  let other: Undercloud;
  let work: string;
  const plan = uniqueName('hold');

  before(async () => {
    uc = new Undercloud(undercloudProfile());
    other = new Undercloud(undercloudProfile());
    work = tempDir('services');
    await createPlan(uc, plan, SAMPLE);
  });
  after(async () => {
    await restoreDaemon('heat');
    await removeStackAndPlan(plan);
    fs.rmSync(work, { recursive: true, force: true });
    uc.dispose();
    other.dispose();
  });

  it('two deploys at once: one runs, the other is refused naming it; `parameters set` during a deploy is refused and DeployIdentifier stays', async () => {
    const results = await Promise.allSettled([deployPlan(uc, plan), deployPlan(other, plan)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))));
    assert.equal(refused.length, 1);
    assert.ok(refused[0].reason instanceof PlanError);
    assert.match(refused[0].reason.message, /is busy: deploy by \S+@\S+ \(pid \d+|stack busy/);
    const identifier = (await readPlanData(uc.mistral, plan))!.parameter_defaults.DeployIdentifier;
    assert.ok(identifier, 'the deploy wrote a DeployIdentifier');

    // a second deploy (refused by the workflow: the stack is busy) holds the plan while it runs
    let duringDeploy: Promise<unknown> | undefined;
    await assert.rejects(
      deployPlan(uc, plan, {
        onStarted: () => {
          duringDeploy = updatePlanParameters(other, plan, { ComputeCount: 2 }).then(
            () => 'saved',
            (e: Error) => e,
          );
        },
      }),
      /stack busy/,
    );
    const during = await duringDeploy;
    assert.ok(during instanceof PlanError && during.code === 'plan-busy', String(during));
    assert.match((during as Error).message, /deploy by/);
    assert.equal((await readPlanData(uc.mistral, plan))!.parameter_defaults.DeployIdentifier, identifier);
  });

  it('Heat SIGKILLed mid-create: `plan delete` is refused without a YAQL error, `stack cancel`/`stack delete` get the user out', async () => {
    let stack = await uc.heat.getStack(plan, { resolveOutputs: false });
    if (!stack?.stack_status.endsWith('_IN_PROGRESS')) {
      await removeStackAndPlan(plan);
      await createPlan(uc, plan, SAMPLE);
      await deployPlan(uc, plan);
    }
    signalDaemon('heat', 'SIGKILL');
    await sleep(1000);
    await restoreDaemon('heat');
    stack = await uc.heat.getStack(plan, { resolveOutputs: false });
    assert.ok(stack, 'the stack is still there');

    const refusal = await cli('plan', 'delete', plan);
    assert.equal(refusal.code, 1);
    assert.doesNotMatch(refusal.stderr, /YAQL|yaql|evaluat/i);
    assert.match(refusal.stderr, /has a deployed stack .*delete the stack first \(tripleo stack delete /);

    const unconfirmed = await cli('stack', 'delete', plan);
    assert.equal(unconfirmed.code, 1);
    assert.match(unconfirmed.stderr, /add --yes to confirm/);
    assert.ok(await uc.heat.getStack(plan, { resolveOutputs: false }), 'nothing deleted without confirmation');

    const cancel = await cli('stack', 'cancel', plan, '--yes');
    // Heat cancels what it still runs; what it cannot cancel is refused with the way out named
    if (cancel.code !== 0) assert.match(cancel.stderr, /nothing to cancel|delete the stack instead \(tripleo stack delete /);

    const deleted = await cli('stack', 'delete', plan, '--yes');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /stack .* deleted/);
    assert.equal(await uc.heat.getStack(plan, { resolveOutputs: false }), undefined);
  });

  it('Mistral SIGKILLed mid-workflow: the execution stays RUNNING and `execution cancel` ends it', async () => {
    const name = `tripleo.faults_test_${Date.now().toString(36)}`;
    await uc.mistral.createWorkbook(`version: '2.0'\nname: ${name}\nworkflows:\n  slow:\n    tasks:\n      wait:\n        action: std.sleep seconds=600\n`);
    try {
      const ex = await uc.mistral.createExecution(`${name}.slow`, { input: {} });
      for (let i = 0; i < 60 && (await uc.mistral.getExecution(ex.id))?.state !== 'RUNNING'; i++) await sleep(500);
      signalDaemon('mistral', 'SIGKILL');
      await sleep(500);
      await restoreDaemon('mistral');
      assert.equal((await uc.mistral.getExecution(ex.id))?.state, 'RUNNING', 'left RUNNING by the killed Mistral');

      const cancelled = await cli('execution', 'cancel', ex.id);
      assert.equal(cancelled.code, 0, cancelled.stderr);
      assert.match(cancelled.stdout, /CANCELLED/);
      assert.equal((await uc.mistral.getExecution(ex.id))?.state, 'CANCELLED');
      const again = await cli('execution', 'cancel', ex.id);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /has already ended: CANCELLED/);
    } finally {
      await restoreDaemon('mistral');
      await uc.mistral.deleteWorkbook(name).catch(() => undefined);
    }
  });

  it("a wait that times out prints the execution's own state and the command that stops it", async () => {
    const name = `tripleo.faults_wait_${Date.now().toString(36)}`;
    await uc.mistral.createWorkbook(
      `version: '2.0'\nname: ${name}\nworkflows:\n  slow:\n    tasks:\n      wait_a_while:\n        action: std.sleep seconds=600\n`,
    );
    try {
      await assert.rejects(runWorkflow(uc.mistral, `${name}.slow`, {}, { timeoutMs: 3000 }), (e: Error) => {
        assert.match(e.message, /did not finish in time: execution \S+ is RUNNING \(tasks: wait_a_while RUNNING\); tripleo execution cancel \S+ stops it/);
        return true;
      });
    } finally {
      for (const ex of await uc.mistral.listExecutions({ limit: 50 })) {
        if (ex.workflow_name === `${name}.slow` && ex.state === 'RUNNING') await uc.mistral.updateExecutionState(ex.id, 'CANCELLED').catch(() => undefined);
      }
      await uc.mistral.deleteWorkbook(name).catch(() => undefined);
    }
  });

  it('what would freeze Mistral is refused before it is sent, the limit named: a 6 MB plan file, a plan grown in Swift, 10,001 nodes', async () => {
    const folder = planFolder(work, 'big', 1);
    fs.writeFileSync(path.join(folder, 'extra', 'huge.yaml'), `data: "${'x'.repeat(6 * 1024 * 1024)}"\n`);
    const big = uniqueName('big');
    const r = await cli('plan', 'create', big, '--templates', folder);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /a plan file may be at most 5\.0 MB .*extra\/huge\.yaml is 6\.0 MB/);
    assert.equal(await uc.swift.containerMetadata(big), undefined, 'nothing was created');

    const grown = uniqueName('grown');
    await createPlan(uc, grown, SAMPLE);
    try {
      await uc.swift.putObject(grown, 'extra/huge.yaml', Buffer.alloc(6 * 1024 * 1024, 'x'));
      await assert.rejects(
        deployPlan(uc, grown),
        (e: Error) => e instanceof PlanError && e.code === 'plan-too-large' && /extra\/huge\.yaml is 6\.0 MB/.test(e.message),
      );
      assert.equal(await uc.heat.getStack(grown, { resolveOutputs: false }), undefined);
    } finally {
      await removeStackAndPlan(grown);
    }

    // a file is sent in batches; what bounds it is the whole file (nodeBatches.test.ts sends the batches)
    const nodes: NodeSpec[] = Array.from({ length: 10_001 }, (_, i) => ({
      name: `n${i}`,
      pm_type: 'fake-hardware',
      mac: [`52:54:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`],
    }));
    await assert.rejects(registerNodes(uc, nodes, { dryRun: true }), /10001 nodes in one file: at most 10000 nodes can be imported at once/);
  });
});
