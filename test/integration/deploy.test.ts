import * as assert from 'node:assert/strict';
import { PlanError } from '../../src/tripleo/errors';
import { deployPlan, followStack } from '../../src/tripleo/deploy';
import { readPlanData } from '../../src/tripleo/planData';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { planFixture } from '../support/undercloud';

describe('deploying a plan through the deploy_plan workflow (real Heat)', function () {
  this.timeout(300_000);
  const fixture = planFixture('deploy', { environments: { 'environments/network-isolation.yaml': true, 'environments/debug.yaml': true } });
  const { plan } = fixture;

  it('creates the stack, writing DeployIdentifier and StackAction into the plan, and follows it to CREATE_COMPLETE', async () => {
    const started = await deployPlan(fixture.uc, plan);
    assert.equal(started.stackAction, 'CREATE');
    assert.ok(started.stackId);
    const data = await readPlanData(fixture.uc.mistral, plan);
    assert.equal(data?.parameter_defaults.StackAction, 'CREATE');
    assert.match(String(data?.parameter_defaults.DeployIdentifier), /^\d{10}$/);
    const progress: number[] = [];
    const events: string[] = [];
    const r = await followStack(fixture.uc, plan, { timeoutMs: 240_000, onProgress: (p) => progress.push(p.complete), onEvent: (e) => events.push(e) });
    assert.equal(r.stack.stack_status, 'CREATE_COMPLETE');
    assert.ok(progress.length >= 1);
    assert.ok(events.some((e) => /CREATE_COMPLETE/.test(e)));
    const out = Object.fromEntries(r.outputs.map((o) => [o.key, o.value]));
    // network-isolation was selected: its relative registry path reached Heat as a plan path
    assert.equal(out.NetworkLayout, 'isolated-ipv4');
  });

  it('refuses to deploy while the stack is busy, naming its state', async () => {
    await updatePlanParameters(fixture.uc, plan, { ComputeCount: 3 });
    const first = await deployPlan(fixture.uc, plan);
    assert.equal(first.stackAction, 'UPDATE');
    await assert.rejects(deployPlan(fixture.uc, plan), (e: Error) => e instanceof PlanError && /stack busy: .* is UPDATE_IN_PROGRESS/.test(e.message));
    const r = await followStack(fixture.uc, plan, { timeoutMs: 240_000 });
    assert.equal(r.stack.stack_status, 'UPDATE_COMPLETE');
    const hosts = r.outputs.find((o) => o.key === 'RoleHostnames')?.value as { Compute: string[] };
    assert.equal(hosts.Compute.length, 3);
    assert.equal((await readPlanData(fixture.uc.mistral, plan))?.parameter_defaults.StackAction, 'UPDATE');
  });

  it('with wait, follows the update to UPDATE_COMPLETE inside the workflow', async () => {
    const r = await deployPlan(fixture.uc, plan, { wait: true, skipDeployIdentifier: true });
    assert.equal(r.stackStatus, 'UPDATE_COMPLETE');
    assert.match(r.message, /UPDATE_COMPLETE/);
  });
});

describe('a deploy that fails at create time', function () {
  this.timeout(300_000);
  const fixture = planFixture('deployfail', { environments: { 'environments/fail-on-create.yaml': true } });
  const { plan } = fixture;

  it("reports the failed resource and Heat's reason", async () => {
    await assert.rejects(
      deployPlan(fixture.uc, plan, { wait: true }),
      (e: Error) => e instanceof PlanError && /CREATE_FAILED/.test(e.message) && /IntentionalCreateFailure/.test(e.message),
    );
    const r = await followStack(fixture.uc, plan, { timeoutMs: 60_000 });
    assert.equal(r.stack.stack_status, 'CREATE_FAILED');
    assert.ok(
      r.failed.some((f) => f.name === 'IntentionalCreateFailure' && /Test Resource failed/.test(f.reason)),
      JSON.stringify(r.failed),
    );
  });
});
