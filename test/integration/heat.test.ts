import * as assert from 'node:assert/strict';
import { CancelledError, HttpError, OpenStackError, TimeoutError } from '../../src/openstack/errors';
import { HeatClient, INLINE_ENVIRONMENT_FILE, StackProgress } from '../../src/openstack/heat';
import { HttpClient } from '../../src/openstack/http';
import { recordingSession, uniqueName } from '../support/undercloud';

// Only OS::Heat::* resources exist on this undercloud (no Nova, no Neutron).
const TEMPLATE = `heat_template_version: 2018-08-31
description: integration test stack
parameters:
  length:
    type: number
    default: 8
  salt:
    type: string
  unused:
    type: string
    default: keep-me
resources:
  r:
    type: OS::Heat::RandomString
    properties:
      length: {get_param: length}
      salt: {get_param: salt}
  v:
    type: OS::Heat::Value
    properties:
      value: {get_attr: [r, value]}
  n:
    type: OS::Heat::None
  inner:
    type: nested/inner.yaml
    properties:
      label: {get_param: salt}
outputs:
  rand:
    description: the random string
    value: {get_attr: [r, value]}
  copy:
    value: {get_attr: [v, value]}
  inner_label:
    value: {get_attr: [inner, label]}
`;

const INNER = `heat_template_version: 2018-08-31
parameters:
  label:
    type: string
    default: none
resources:
  marker:
    type: OS::Heat::None
outputs:
  label:
    value: {get_param: label}
`;

const FILES = {
  'nested/inner.yaml': INNER,
  'env/base.yaml': 'parameter_defaults:\n  salt: from-base\n  length: 10\n',
  'env/override.yaml': 'parameter_defaults:\n  salt: from-override\n',
};

describe('Heat against the real undercloud', function () {
  let heat: HeatClient;
  let http: HttpClient;
  let requests: string[];
  const stack = uniqueName('it-heat');
  const slow = uniqueName('it-heat-slow');

  before(() => {
    const rec = recordingSession();
    heat = new HeatClient(rec.session);
    http = rec.http;
    requests = rec.requests;
  });

  after(async function () {
    this.timeout(60_000);
    const deleting = await Promise.all([stack, slow].map((s) => heat.deleteStack(s).catch(() => undefined)));
    for (const id of deleting) if (id) await heat.waitForStack(id, { intervalMs: 300, timeoutMs: 30_000 }).catch(() => undefined);
    http.dispose();
  });

  describe('validate', () => {
    it('describes parameters, groups, nested parameters and the merged environment', async () => {
      const template = {
        heat_template_version: '2018-08-31',
        parameters: {
          length: { type: 'number', default: 8, label: 'Length', description: 'how long' },
          salt: { type: 'string', hidden: true },
        },
        parameter_groups: [{ label: 'basics', description: 'the basics', parameters: ['length'] }],
        resources: {
          r: { type: 'OS::Heat::RandomString', properties: { length: { get_param: 'length' } } },
          inner: { type: 'nested/inner.yaml' },
        },
      };
      const v = await heat.validate(
        { template, files: FILES, environmentFiles: ['env/base.yaml', 'env/override.yaml'], environment: { parameters: { length: 12 } } },
        { showNested: true },
      );
      assert.equal(v.Parameters.length.Type, 'Number');
      assert.equal(v.Parameters.length.Label, 'Length');
      assert.equal(v.Parameters.length.Description, 'how long');
      assert.equal(v.Parameters.salt.NoEcho, 'true');
      assert.deepEqual(v.ParameterGroups, [{ label: 'basics', description: 'the basics', parameters: ['length'] }]);
      // later environment files win over earlier ones
      assert.equal(v.Environment?.parameter_defaults.salt, 'from-override');
      assert.equal(v.Environment?.parameter_defaults.length, 10);
      assert.deepEqual(v.Environment?.parameters, { length: 12 });
      assert.equal(v.NestedParameters?.inner.Type, 'nested/inner.yaml');
      assert.equal(v.NestedParameters?.inner.Parameters.label.Default, 'none');

      const flat = await heat.validate({ template, files: FILES, environment: 'parameters:\n  length: 14\n' });
      assert.equal(flat.NestedParameters, undefined);
      assert.equal(flat.Parameters.length.Value, 14);
      assert.deepEqual(flat.Environment?.parameters, { length: 14 });
    });

    it("surfaces an invalid template as an HttpError carrying Heat's message", async () => {
      const template = { heat_template_version: '2018-08-31', resources: { r: { type: 'OS::Heat::RandomString', properties: { lenght: 3 } } } };
      await assert.rejects(
        heat.validate({ template }),
        (e: Error) =>
          e instanceof HttpError &&
          e.status === 400 &&
          e.serviceMessage === 'Property error: resources.r.properties: Unknown Property lenght' &&
          /^heat: POST http:\/\/127\.0\.0\.1:8004\/v1\/\w+\/validate failed with HTTP 400/.test(e.message),
      );
      // a service this undercloud's catalog lacks (Nova is in it now) is refused the same way
      await assert.rejects(
        heat.validate({ template: { heat_template_version: '2018-08-31', resources: { s: { type: 'OS::Zaqar::Queue' } } } }),
        (e: Error) => e instanceof HttpError && e.status === 400 && /Service zaqar is not available for resource type OS::Zaqar::Queue/.test(e.serviceMessage),
      );
      // Heat answers a bare 500 for this one, so the client says what is wrong before sending
      await assert.rejects(
        heat.validate({ template: TEMPLATE, files: FILES, environmentFiles: ['env/base.yaml', 'env/missing.yaml'] }),
        (e: Error) => e instanceof OpenStackError && !(e instanceof HttpError) && e.message === 'heat: environment file env/missing.yaml not in files',
      );
    });
  });

  describe('a stack of OS::Heat resources', () => {
    let id: string;

    it('is created and waited for, with resource progress', async () => {
      const created = await heat.createStack(stack, {
        template: TEMPLATE,
        files: FILES,
        environmentFiles: ['env/base.yaml', 'env/override.yaml'],
        environment: { parameter_defaults: { unused: 'from-inline' } },
        parameters: { length: 12 },
        timeoutMins: 5,
        tags: ['it', 'heat'],
      });
      id = created.id;
      assert.equal(created.name, stack);
      assert.match(id, /^[0-9a-f-]{36}$/);
      const progress: StackProgress[] = [];
      const done = await heat.waitForStack(stack, { intervalMs: 250, timeoutMs: 60_000, onProgress: (p) => progress.push(p) });
      assert.equal(done.stack_status, 'CREATE_COMPLETE', done.stack_status_reason);
      assert.equal(done.id, id);
      const last = progress[progress.length - 1];
      assert.deepEqual(
        { status: last.status, complete: last.complete, failed: last.failed, total: last.total },
        { status: 'CREATE_COMPLETE', complete: 4, failed: 0, total: 4 },
      );
      assert.ok(progress.every((p) => p.total === 4 && p.complete <= p.total && p.elapsedMs >= 0));
    });

    it('is found by name and by name/id, and listed', async () => {
      const byName = await heat.getStack(stack);
      const byId = await heat.getStack(`${stack}/${id}`);
      assert.equal(byName?.id, id);
      assert.equal(byId?.stack_name, stack);
      assert.equal(byName?.stack_status, 'CREATE_COMPLETE');
      assert.deepEqual(byName?.tags, ['it', 'heat']);
      assert.equal(byName?.parameters?.length, '12');
      assert.equal(byName?.parameters?.salt, 'from-override');
      assert.equal(byName?.parameters?.unused, 'from-inline');
      assert.equal(await heat.getStack(`${stack}-missing`), undefined);

      const listed = await heat.listStacks({ name: stack });
      assert.deepEqual(
        listed.map((s) => [s.stack_name, s.id, s.stack_status]),
        [[stack, id, 'CREATE_COMPLETE']],
      );
      assert.equal((await heat.listStacks({ name: stack, status: 'CREATE_COMPLETE' })).length, 1);
      assert.equal((await heat.listStacks({ name: stack, status: 'UPDATE_COMPLETE' })).length, 0);
      const withNested = await heat.listStacks({ showNested: true, limit: 2 });
      const nested = withNested.filter((s) => s.parent === id);
      assert.equal(nested.length, 1);
      assert.match(nested[0].stack_name, new RegExp(`^${stack}-inner-`));
      assert.ok(withNested.some((s) => s.id === id));
      assert.equal(new Set(withNested.map((s) => s.id)).size, withNested.length, 'pages overlap');
    });

    it('lists its resources, nested ones with nested_depth', async () => {
      const top = await heat.listResources(stack);
      assert.deepEqual(top.map((r) => r.resource_name).sort(), ['inner', 'n', 'r', 'v']);
      assert.ok(top.every((r) => r.resource_status === 'CREATE_COMPLETE'));
      assert.deepEqual(top.find((r) => r.resource_name === 'r')?.required_by, ['v']);
      assert.equal(top.find((r) => r.resource_name === 'inner')?.resource_type, 'nested/inner.yaml');

      const deep = await heat.listResources(`${stack}/${id}`, { nestedDepth: 1 });
      const marker = deep.find((r) => r.resource_name === 'marker');
      assert.equal(deep.length, 5);
      assert.equal(marker?.parent_resource, 'inner');
      assert.equal(marker?.resource_type, 'OS::Heat::None');
    });

    it('pages through its events with limit and marker, sorted, filtered by resource', async () => {
      const all = await heat.listEvents(stack);
      requests.length = 0;
      const paged = await heat.listEvents(stack, { limit: 2 });
      assert.deepEqual(
        paged.map((e) => e.id),
        all.map((e) => e.id),
      );
      // 1 to find the id + one page per 2 events + the short (or empty) last page
      const pages = requests.filter((r) => /\/events\?limit=2/.test(r));
      assert.equal(pages.length, Math.floor(all.length / 2) + 1);
      assert.ok(pages.slice(1).every((r) => /marker=[0-9a-f-]{36}/.test(r)));

      // stack CREATE_IN_PROGRESS first, stack CREATE_COMPLETE last, every resource in between
      assert.deepEqual([all[0].resource_name, all[0].resource_status], [stack, 'CREATE_IN_PROGRESS']);
      assert.deepEqual([all.at(-1)!.resource_name, all.at(-1)!.resource_status], [stack, 'CREATE_COMPLETE']);
      assert.equal(all.length, 10);
      const times = all.map((e) => Date.parse(e.event_time));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
      );

      const desc = await heat.listEvents(stack, { sortDir: 'desc', limit: 3 });
      assert.deepEqual(
        desc.map((e) => e.id),
        all.map((e) => e.id).reverse(),
      );

      const ofR = await heat.listEvents(stack, { resource: 'r', limit: 2 });
      assert.deepEqual(
        ofR.map((e) => [e.resource_name, e.resource_status]),
        [
          ['r', 'CREATE_IN_PROGRESS'],
          ['r', 'CREATE_COMPLETE'],
        ],
      );

      const after = await heat.listEvents(stack, { marker: all[6].id, limit: 2 });
      assert.deepEqual(
        after.map((e) => e.id),
        all.slice(7).map((e) => e.id),
      );

      const nested = await heat.listEvents(stack, { nestedDepth: 1 });
      assert.ok(
        nested.some((e) => e.resource_name === 'marker'),
        'nested events are missing',
      );
      assert.ok(nested.length > all.length);
    });

    it('has outputs, one by one or all together', async () => {
      const outputs = await heat.getOutputs(stack);
      const byKey = Object.fromEntries(outputs.map((o) => [o.output_key, o]));
      assert.deepEqual(Object.keys(byKey).sort(), ['copy', 'inner_label', 'rand']);
      assert.equal(typeof byKey.rand.output_value, 'string');
      assert.equal((byKey.rand.output_value as string).length, 12);
      assert.equal(byKey.copy.output_value, byKey.rand.output_value);
      assert.equal(byKey.inner_label.output_value, 'from-override');
      assert.equal(byKey.rand.description, 'the random string');

      const one = await heat.showOutput(stack, 'rand');
      assert.deepEqual(one, { output_key: 'rand', description: 'the random string', output_value: byKey.rand.output_value });
      assert.equal(await heat.showOutput(stack, 'no-such-output'), undefined);
    });

    it('gives back its environment, template and files', async () => {
      const env = await heat.getEnvironment(stack);
      assert.deepEqual(env.parameter_defaults, { salt: 'from-override', length: 10, unused: 'from-inline' });
      assert.deepEqual(env.parameters, { length: 12 });
      const template = await heat.getTemplate(stack);
      assert.equal(template.description, 'integration test stack');
      assert.deepEqual(Object.keys(template.resources as object).sort(), ['inner', 'n', 'r', 'v']);
      const files = await heat.getFiles(stack);
      assert.equal(files['nested/inner.yaml'], INNER);
      assert.deepEqual(JSON.parse(files[INLINE_ENVIRONMENT_FILE]), { parameter_defaults: { unused: 'from-inline' } });
    });

    it('is updated with PATCH, keeping the parameters it already has', async () => {
      const before = (await heat.getOutputs(stack)).find((o) => o.output_key === 'rand')?.output_value;
      const updated = await heat.updateStack(stack, { parameters: { length: 20 } });
      assert.deepEqual(updated, { name: stack, id });
      const done = await heat.waitForStack(stack, { intervalMs: 250, timeoutMs: 60_000 });
      assert.equal(done.stack_status, 'UPDATE_COMPLETE', done.stack_status_reason);
      assert.equal(done.parameters?.length, '20');
      assert.equal(done.parameters?.salt, 'from-override');
      const rand = (await heat.getOutputs(stack)).find((o) => o.output_key === 'rand')?.output_value as string;
      assert.equal(rand.length, 20);
      assert.notEqual(rand, before);

      // a new template alone: the resource n goes, parameters and environment stay
      const smaller = TEMPLATE.replace('  n:\n    type: OS::Heat::None\n', '');
      await heat.updateStack(`${stack}/${id}`, { template: smaller });
      const again = await heat.waitForStack(`${stack}/${id}`, { intervalMs: 250, timeoutMs: 60_000 });
      assert.equal(again.stack_status, 'UPDATE_COMPLETE', again.stack_status_reason);
      assert.deepEqual((await heat.listResources(stack)).map((r) => r.resource_name).sort(), ['inner', 'r', 'v']);
      assert.equal(((await heat.showOutput(stack, 'rand'))?.output_value as string).length, 20);
      assert.deepEqual((await heat.getEnvironment(stack)).parameter_defaults, { salt: 'from-override', length: 10, unused: 'from-inline' });
    });

    it('is deleted, then waited for by name/id until DELETE_COMPLETE', async () => {
      const target = await heat.deleteStack(stack);
      assert.equal(target, `${stack}/${id}`);
      const done = await heat.waitForStack(target!, { intervalMs: 250, timeoutMs: 60_000 });
      assert.equal(done.stack_status, 'DELETE_COMPLETE', done.stack_status_reason);
      assert.equal(await heat.getStack(stack), undefined);
      assert.equal(await heat.deleteStack(stack), undefined);
      assert.deepEqual(await heat.listStacks({ name: stack }), []);
      await assert.rejects(
        heat.waitForStack(`${stack}-never`),
        (e: Error) => e instanceof HttpError && e.status === 404 && e.serviceMessage === `The Stack (${stack}-never) could not be found.`,
      );
    });
  });

  describe('an update in progress', () => {
    // the update of `t` takes `wait` seconds; rolling back to the first template takes none
    const template = (wait: number) => ({
      heat_template_version: '2018-08-31',
      parameters: { value: { type: 'string', default: 'one' } },
      resources: { t: { type: 'OS::Heat::TestResource', properties: { value: { get_param: 'value' }, action_wait_secs: { update: wait } } } },
    });

    before(async () => {
      await heat.createStack(slow, { template: template(0) });
      const s = await heat.waitForStack(slow, { intervalMs: 250, timeoutMs: 30_000 });
      assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    });

    it('is waited for with a time limit and a cancel signal', async () => {
      await heat.updateStack(slow, { template: template(3), parameters: { value: 'two' } });
      assert.equal((await heat.getStack(slow, { resolveOutputs: false }))?.stack_status, 'UPDATE_IN_PROGRESS');
      await assert.rejects(
        heat.waitForStack(slow, { intervalMs: 200, timeoutMs: 500 }),
        (e: Error) => e instanceof TimeoutError && /^heat: WAIT stack .* timed out after 500 ms$/.test(e.message),
      );
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      await assert.rejects(heat.waitForStack(slow, { intervalMs: 200, signal: ac.signal }), CancelledError);
      const s = await heat.waitForStack(slow, { intervalMs: 250, timeoutMs: 30_000 });
      assert.equal(s.stack_status, 'UPDATE_COMPLETE', s.stack_status_reason);
      assert.equal(s.parameters?.value, 'two');
    });

    it('is cancelled and rolled back (cancel_update)', async () => {
      await heat.updateStack(slow, { template: template(4), parameters: { value: 'three' } });
      await heat.cancelUpdate(slow);
      const s = await heat.waitForStack(slow, { intervalMs: 250, timeoutMs: 30_000 });
      assert.equal(s.stack_status, 'ROLLBACK_COMPLETE', s.stack_status_reason);
      assert.equal(s.parameters?.value, 'two');
      // nothing left to cancel
      await assert.rejects(
        heat.cancelUpdate(slow),
        (e: Error) => e instanceof HttpError && e.status === 400 && e.serviceMessage === 'Cancelling update when stack is ROLLBACK_COMPLETE is not supported.',
      );
    });

    it('is cancelled without rollback (cancel_without_rollback)', async () => {
      await heat.updateStack(slow, { template: template(4), parameters: { value: 'four' } });
      await heat.cancelUpdate(slow, { rollback: false });
      const s = await heat.waitForStack(slow, { intervalMs: 250, timeoutMs: 30_000 });
      assert.equal(s.stack_status, 'UPDATE_FAILED');
      assert.equal(s.stack_status_reason, 'Stack UPDATE cancelled');
      assert.equal(s.parameters?.value, 'four');
    });
  });
});
