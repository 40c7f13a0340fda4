import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readPlanData } from '../../src/tripleo/planData';
import { createPlan, deletePlan } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { ensureWorkbooks } from '../../src/tripleo/workbookInstaller';
import { mapLimit } from '../../src/tripleo/concurrency';
import { ROOT, uniqueName, undercloudProfile } from '../support/undercloud';

const SAMPLE = path.join(ROOT, 'samples/overcloud-lite');

/**
 * A client that calls Mistral's API itself (another GUI, a script) gets no help from this library's
 * name checks: the workflows must refuse a name that would make their Swift or Heat URLs point at
 * another plan (`zz/../p1` resolves to `p1` once the URL is normalised) before they touch anything.
 */
describe('faults: plan names are refused by the Mistral workflows themselves', function () {
  this.timeout(600_000);
  let uc: Undercloud;
  const plan = uniqueName('p1');

  /** every workflow that takes a plan, with the input it needs besides the plan */
  const WORKFLOWS: [string, Record<string, unknown>][] = [
    ['tripleo.plan_management.v1.create_deployment_plan', {}],
    ['tripleo.plan_management.v1.update_deployment_plan', {}],
    ['tripleo.plan_management.v1.delete_deployment_plan', {}],
    ['tripleo.deployment.v1.deploy_plan', {}],
    ['tripleo.validations.v1.run_group', { group: 'pre-deployment' }],
    ['tripleo.validations.v1.plan_facts', {}],
    ...['undercloud_services', 'node_health', 'node_counts', 'node_profiles', 'plan_templates', 'environment_selection', 'stack_complete', 'stack_outputs'].map(
      (v): [string, Record<string, unknown>] => [`tripleo.validations.v1.${v}`, {}],
    ),
  ];

  before(async () => {
    uc = new Undercloud(undercloudProfile());
    await ensureWorkbooks(uc.mistral);
    await createPlan(uc, plan, SAMPLE);
  });
  after(async () => {
    await deletePlan(uc, plan).catch(() => undefined);
    uc.dispose();
  });

  it('every workflow that takes a plan ends in ERROR naming the rule for "../x", "zz/../p1" and "..", and p1 keeps every object', async () => {
    const objectsBefore = (await uc.swift.listObjects(plan)).map((o) => `${o.name} ${o.hash}`).sort();
    const dataBefore = await readPlanData(uc.mistral, plan);
    assert.ok(dataBefore, 'the plan has its data');
    const names: [string, RegExp][] = [
      ['../x', /^invalid plan name: "\.\.\/x" must start with a letter \(it becomes the Heat stack name\)$/],
      [
        `zz/../${plan}`,
        /^invalid plan name: "zz\/\.\.\/[^"]+" may only contain letters, digits, "_", "\." and "-" \(it becomes the Heat stack name\), not "\/"$/,
      ],
      ['..', /^invalid plan name: "\.\." must start with a letter/],
    ];
    const runs = WORKFLOWS.flatMap(([workflow, input]) => names.map(([name, expected]) => ({ workflow, input: { ...input, container: name }, expected })));
    const outcomes = await mapLimit(runs, 6, async (r) => {
      const ex = await uc.mistral.createExecution(r.workflow, { input: r.input });
      const done = await uc.mistral.waitForExecution(ex.id, { timeoutMs: 180_000, intervalMs: 500 });
      const message = String(done.parsedOutput.message ?? done.state_info ?? '');
      return { ...r, state: done.state, message, tasks: (await uc.mistral.listTasks(ex.id)).map((t) => t.name) };
    });
    const wrong = outcomes.filter((o) => o.state !== 'ERROR' || !o.expected.test(o.message) || o.tasks.join() !== 'check_plan_name');
    assert.deepEqual(
      wrong.map((o) => `${o.workflow}(${String(o.input.container)}): ${o.state} [${o.tasks.join(', ')}] ${o.message.slice(0, 200)}`),
      [],
      'each refused by its first task, before any other task ran',
    );

    assert.deepEqual((await uc.swift.listObjects(plan)).map((o) => `${o.name} ${o.hash}`).sort(), objectsBefore, 'p1 keeps every object');
    assert.deepEqual(await readPlanData(uc.mistral, plan), dataBefore, "p1's plan data is unchanged");
    assert.equal(await uc.heat.getStack(plan, { resolveOutputs: false }), undefined, 'no stack was created for p1');
  });

  it('an empty plan is refused by the plan workflows, and still allowed for a validation that runs without one', async () => {
    const refused = await uc.mistral.createExecution('tripleo.plan_management.v1.delete_deployment_plan', { input: { container: '' } });
    const done = await uc.mistral.waitForExecution(refused.id, { timeoutMs: 120_000, intervalMs: 500 });
    assert.equal(done.state, 'ERROR');
    assert.equal(done.parsedOutput.message, 'invalid plan name: a plan name is required');

    const planless = await uc.mistral.createExecution('tripleo.validations.v1.undercloud_services', { input: {} });
    const ran = await uc.mistral.waitForExecution(planless.id, { timeoutMs: 120_000, intervalMs: 500 });
    assert.doesNotMatch(String(ran.parsedOutput.message), /invalid plan name/);
    assert.ok(
      (await uc.mistral.listTasks(planless.id)).some((t) => t.name === 'probe'),
      'the validation ran past the name check',
    );
  });
});
