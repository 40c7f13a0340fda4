import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { PlanError } from '../../src/tripleo/errors';
import { deployPlan } from '../../src/tripleo/deploy';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { LOCK_OBJECT } from '../../src/tripleo/planLock';
import { createPlan } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { removeStackAndPlan, ROOT, uniqueName, undercloudProfile } from '../support/undercloud';
import { cli, restoreDaemon, signalDaemon, sleep } from './support';

const SAMPLE = path.join(ROOT, 'samples/overcloud-lite');

/**
 * No busy check counts Mistral executions: a plan is busy while a client holds its lock, and the
 * client holds it while it waits for its workflow, at most its own timeout. An execution a killed
 * Mistral leaves RUNNING therefore holds the plan no longer than that timeout (20 s here).
 */
describe('faults: Mistral killed while a deploy holds its plan', function () {
  this.timeout(600_000);
  let uc: Undercloud;
  let other: Undercloud;
  const plan = uniqueName('mkill');
  const WAIT_MS = 20_000;

  before(async () => {
    uc = new Undercloud(undercloudProfile());
    other = new Undercloud(undercloudProfile());
    await createPlan(uc, plan, SAMPLE);
  });
  after(async () => {
    await restoreDaemon('mistral');
    await removeStackAndPlan(plan);
    uc.dispose();
    other.dispose();
  });

  it('the deploy holding the plan gives up at its timeout, names `execution cancel`, and the other client is no longer refused', async () => {
    let executionId: string | undefined;
    let killedAt = 0;
    const deploying = deployPlan(uc, plan, {
      workflowTimeoutMs: WAIT_MS,
      onStarted: (id) => {
        executionId = id;
        signalDaemon('mistral', 'SIGKILL');
        killedAt = Date.now();
      },
    }).then(
      (r) => ({ ok: true as const, message: r.message }),
      (e: Error) => ({ ok: false as const, message: e.message }),
    );
    while (!killedAt) await sleep(50);
    await restoreDaemon('mistral');

    // meanwhile the plan is held by the deploy, named in the refusal
    const during = await updatePlanParameters(other, plan, { ComputeCount: 2 }).then(
      () => 'saved',
      (e: Error) => e,
    );
    const outcome = await deploying;
    const heldFor = Date.now() - killedAt;
    if (during !== 'saved') {
      assert.ok(during instanceof PlanError && during.code === 'plan-busy', String(during));
      assert.match(during.message, /is busy: deploy by \S+@\S+ \(pid \d+/);
    }
    assert.ok(heldFor < WAIT_MS + 15_000, `the plan was held ${heldFor} ms after Mistral was killed`);

    const state = (await uc.mistral.getExecution(executionId!))?.state;
    if (state === 'RUNNING') {
      // the execution the killed Mistral left behind: the deploy says so and how to clean it up
      assert.equal(outcome.ok, false);
      // the holder's wait ran out, or it lost Mistral while Mistral was down: either way it names the execution
      assert.match(
        outcome.message,
        new RegExp(
          `(did not finish in time: execution ${executionId} is RUNNING|stopped waiting for execution ${executionId} ).*; tripleo execution cancel ${executionId} stops it`,
        ),
      );
    }

    // the user is not blocked: the lock is gone and the other client's change is saved at once
    assert.equal(await uc.swift.objectMetadata(plan, LOCK_OBJECT), undefined, 'the lock was released');
    await updatePlanParameters(other, plan, { ComputeCount: 3 });

    if (state === 'RUNNING') {
      const cancelled = await cli('execution', 'cancel', executionId!);
      assert.equal(cancelled.code, 0, cancelled.stderr);
    }
  });
});
