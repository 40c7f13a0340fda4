import * as assert from 'node:assert/strict';
import { CancelledError, HttpError, OpenStackError, TimeoutError } from '../../src/openstack/errors';
import { HttpClient } from '../../src/openstack/http';
import { ActionExecutionError, MistralClient } from '../../src/openstack/mistral';
import { redactText } from '../../src/openstack/redact';
import { recordingSession, uniqueName } from '../support/undercloud';

const wb = uniqueName('it_wb');
const slowWb = uniqueName('it_wb_slow');
const envName = uniqueName('it_env');

const workbook = (greeting: string) => `---
version: '2.0'
name: ${wb}
description: integration test workbook
tags: [vscode-tripleo-test, "greeting:${greeting}"]
workflows:
  echo:
    input:
      - who: world
    output:
      greeting: <% $.greeting %>
    tasks:
      say:
        action: std.echo output="${greeting} <% $.who %>"
        publish:
          greeting: <% task().result %>

  keystone:
    description: HTTP from a workflow, anonymous and with the caller's own token
    tasks:
      # not "version": Mistral takes a task of that name for the DSL version and drops it
      get_version:
        action: std.http url="http://127.0.0.1:5000/v3"
        publish:
          status: <% task().result.status %>
          version: <% task().result.content.version.id %>
        on-success: whoami
      whoami:
        action: std.http
        input:
          url: http://127.0.0.1:5000/v3/auth/tokens
          headers:
            X-Auth-Token: <% $.openstack.auth_token %>
            X-Subject-Token: <% $.openstack.auth_token %>
        publish:
          user: <% task().result.content.token.user.name %>
    output:
      status: <% $.status %>
      version: <% $.version %>
      user: <% $.user %>

  from_env:
    output:
      greeting: <% env().greeting %>
      nested: <% env().deep.list[1] %>
    tasks:
      noop:
        action: std.noop

  broken:
    tasks:
      fail:
        action: std.fail error_data="broken on purpose"
`;

const slowWorkbook = `---
version: '2.0'
name: ${slowWb}
workflows:
  slow:
    input:
      - seconds: 1
    tasks:
      first:
        action: std.sleep seconds=<% $.seconds %>
        on-success: second
      second:
        action: std.sleep seconds=<% $.seconds %>
        on-success: third
      third:
        action: std.echo output="done"
        publish:
          out: <% task().result %>
    output:
      out: <% $.out %>
`;

/** Polls `check` until it holds; fails the test when it does not within `ms`. */
async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Mistral against the real undercloud', function () {
  let mistral: MistralClient;
  let http: HttpClient;
  let requests: string[];

  before(() => {
    const rec = recordingSession();
    mistral = new MistralClient(rec.session);
    http = rec.http;
    requests = rec.requests;
  });

  after(async function () {
    this.timeout(30_000);
    for (const wf of [`${wb}.echo`, `${wb}.keystone`, `${wb}.from_env`, `${wb}.broken`, `${slowWb}.slow`]) {
      for (const ex of await mistral.listExecutionsOf(wf).catch(() => [])) await mistral.deleteExecution(ex.id, { force: true }).catch(() => undefined);
    }
    for (const name of [wb, slowWb]) await mistral.deleteWorkbook(name).catch(() => undefined);
    await mistral.deleteEnvironment(envName).catch(() => undefined);
    http.dispose();
  });

  describe('workbooks and workflows', () => {
    it('creates workbooks from YAML text and refuses a duplicate or a broken one', async () => {
      const text = workbook('hello');
      const created = await mistral.createWorkbook(text);
      assert.equal(created.name, wb);
      assert.equal(created.definition, text);
      assert.deepEqual(created.tags, ['vscode-tripleo-test', 'greeting:hello']);
      assert.equal(created.scope, 'private');
      await mistral.createWorkbook(slowWorkbook);

      await assert.rejects(
        mistral.createWorkbook(text),
        (e: Error) => e instanceof HttpError && e.status === 409 && /^Duplicate entry for WorkbookDefinition/.test(e.serviceMessage),
      );
      const broken = `version: '2.0'\nname: ${wb}_broken\nworkflows:\n  w:\n    tasks:\n      t:\n        action: std.noop\n        on-success: missing_task\n`;
      await assert.rejects(
        mistral.createWorkbook(broken),
        (e: Error) => e instanceof HttpError && e.status === 400 && e.serviceMessage === "Task 'missing_task' not found.",
      );
      await assert.rejects(
        mistral.createWorkbook(`version: '2.0'\nname: [oops`),
        (e: Error) => e instanceof HttpError && e.status === 400 && /^Definition could not be parsed/.test(e.serviceMessage),
      );
      assert.equal(await mistral.getWorkbook(`${wb}_broken`), undefined);
    });

    it('gets a workbook, and lists them all in one request (Mistral cannot page workbooks)', async () => {
      const got = await mistral.getWorkbook(wb);
      assert.equal(got?.definition, workbook('hello'));
      assert.equal(await mistral.getWorkbook(`${wb}-missing`), undefined);
      requests.length = 0;
      const all = await mistral.listWorkbooks();
      const names = all.map((w) => w.name);
      assert.ok(names.includes(wb) && names.includes(slowWb), names.join(', '));
      assert.equal(all.find((w) => w.name === wb)?.definition, workbook('hello'));
      assert.equal(requests.length, 1);
    });

    it('lists and gets the workflows a workbook defines', async () => {
      const wfs = await mistral.listWorkflows({ nameContains: wb, limit: 2 });
      assert.deepEqual(wfs.map((w) => w.name).sort(), [`${wb}.broken`, `${wb}.echo`, `${wb}.from_env`, `${wb}.keystone`]);
      const echo = await mistral.getWorkflow(`${wb}.echo`);
      assert.equal(echo?.input, 'who="world"');
      assert.deepEqual(JSON.parse(echo!.interface!), { input: [{ who: 'world' }], output: ['greeting'] });
      assert.match(echo!.definition, /action: std\.echo/);
      assert.equal((await mistral.getWorkflow(echo!.id))?.name, `${wb}.echo`);
      assert.equal(await mistral.getWorkflow(`${wb}.nope`), undefined);
    });
  });

  describe('executions', () => {
    it('runs a std.echo workflow to SUCCESS, with its tasks and their results', async () => {
      const ex = await mistral.createExecution(`${wb}.echo`, { input: { who: 'tests' }, description: 'integration test' });
      assert.equal(ex.workflow_name, `${wb}.echo`);
      assert.equal(ex.description, 'integration test');
      assert.deepEqual(JSON.parse(ex.input!), { who: 'tests' });
      const done = await mistral.waitForExecution(ex.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'SUCCESS', redactText(done.state_info ?? ''));
      assert.deepEqual(done.parsedOutput, { greeting: 'hello tests' });
      assert.equal((await mistral.getExecution(ex.id))?.state, 'SUCCESS');
      assert.equal(await mistral.getExecution('00000000-0000-0000-0000-000000000000'), undefined);

      const tasks = await mistral.listTasks(ex.id);
      assert.deepEqual(
        tasks.map((t) => [t.name, t.state, t.type]),
        [['say', 'SUCCESS', 'ACTION']],
      );
      assert.equal(tasks[0].result, undefined);
      const task = await mistral.getTask(tasks[0].id);
      assert.equal(task?.parsedResult, 'hello tests');
      assert.deepEqual(task?.parsedPublished, { greeting: 'hello tests' });
      assert.equal(task?.workflow_execution_id, ex.id);
      assert.equal(await mistral.getTask('00000000-0000-0000-0000-000000000000'), undefined);
    });

    it("calls Keystone over HTTP from a workflow (std.http), with the caller's token from $.openstack", async () => {
      const ex = await mistral.createExecution(`${wb}.keystone`);
      const done = await mistral.waitForExecution(ex.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'SUCCESS', redactText(done.state_info ?? ''));
      assert.equal(done.parsedOutput.status, 200);
      assert.match(String(done.parsedOutput.version), /^v3\.\d+$/);
      assert.equal(done.parsedOutput.user, 'admin');
      const tasks = await mistral.listTasks(ex.id, { limit: 1 });
      assert.deepEqual(tasks.map((t) => t.name).sort(), ['get_version', 'whoami']);
      const version = await mistral.getTask(tasks.find((t) => t.name === 'get_version')!.id);
      assert.equal((version?.parsedResult as { status: number; url: string }).url, 'http://127.0.0.1:5000/v3');
    });

    it('ends in ERROR when an action fails, with the reason', async () => {
      const ex = await mistral.createExecution(`${wb}.broken`);
      const done = await mistral.waitForExecution(ex.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'ERROR');
      assert.match(redactText(done.state_info ?? ''), /broken on purpose/);
      const [task] = await mistral.listTasks(ex.id);
      assert.equal(task.state, 'ERROR');
    });

    it('refuses an input the workflow does not declare, and reports an unknown workflow', async () => {
      await assert.rejects(
        mistral.createExecution(`${wb}.echo`, { input: { bogus: 1 } }),
        (e: Error) =>
          e instanceof HttpError && e.status === 400 && e.serviceMessage === "Invalid input [name=echo, class=DirectWorkflowSpec, unexpected=['bogus']]",
      );
      // Mistral answers 500 here, not 404
      await assert.rejects(
        mistral.createExecution(`${wb}.nope`),
        (e: Error) => e instanceof HttpError && e.status === 500 && new RegExp(`Workflow not found \\[workflow_identifier=${wb}\\.nope`).test(e.serviceMessage),
      );
    });

    it('lists the executions of one workflow, newest first, page by page', async () => {
      const started = [];
      for (const who of ['a', 'b']) started.push((await mistral.createExecution(`${wb}.echo`, { input: { who } })).id);
      for (const id of started) assert.equal((await mistral.waitForExecution(id, { timeoutMs: 30_000 })).state, 'SUCCESS');
      requests.length = 0;
      const all = await mistral.listExecutionsOf(`${wb}.echo`, { limit: 1 });
      assert.equal(all.length, 3);
      assert.equal(new Set(all.map((e) => e.id)).size, 3);
      assert.ok(started.every((id) => all.some((e) => e.id === id)));
      assert.ok(all.every((e) => e.workflow_name === `${wb}.echo`));
      const created = all.map((e) => e.created_at);
      assert.deepEqual(created, [...created].sort().reverse());
      // three full pages of one, then an empty one
      assert.equal(requests.length, 4, requests.join('\n'));
      assert.ok(requests.every((r) => r.includes(`workflow_name=${wb}.echo`) && r.includes('limit=1')));

      assert.deepEqual(
        (await mistral.listExecutionsOf(`${wb}.echo`, { limit: 1, max: 2 })).map((e) => e.id),
        all.slice(0, 2).map((e) => e.id),
      );
      assert.equal((await mistral.listExecutionsOf(`${wb}.echo`, { state: 'SUCCESS' })).length, 3);
      assert.equal((await mistral.listExecutionsOf(`${wb}.echo`, { state: 'ERROR' })).length, 0);
    });

    it('pauses, resumes and cancels a running workflow', async () => {
      const ex = await mistral.createExecution(`${slowWb}.slow`, { input: { seconds: 1 } });
      const paused = await mistral.updateExecutionState(ex.id, 'PAUSED');
      assert.equal(paused.state, 'PAUSED');
      // the sleep already running finishes, but nothing after it starts
      await until(async () => (await mistral.listTasks(ex.id)).some((t) => t.name === 'first' && t.state === 'SUCCESS'), 10_000);
      await new Promise((r) => setTimeout(r, 800));
      assert.deepEqual(
        (await mistral.listTasks(ex.id)).map((t) => [t.name, t.state]),
        [['first', 'SUCCESS']],
      );
      assert.equal((await mistral.getExecution(ex.id))?.state, 'PAUSED');

      assert.equal((await mistral.updateExecutionState(ex.id, 'RUNNING')).state, 'RUNNING');
      await until(async () => (await mistral.listTasks(ex.id)).some((t) => t.name === 'second'), 5000);

      const cancelled = await mistral.updateExecutionState(ex.id, 'CANCELLED', { stateInfo: 'stopped by the test' });
      assert.equal(cancelled.state, 'CANCELLED');
      const done = await mistral.waitForExecution(ex.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'CANCELLED');
      assert.equal(done.state_info, 'stopped by the test');
      assert.deepEqual(done.parsedOutput, { result: 'stopped by the test' });
      await new Promise((r) => setTimeout(r, 1200));
      assert.ok(!(await mistral.listTasks(ex.id)).some((t) => t.name === 'third'), 'a task ran after the cancel');

      // Mistral answers 200 with the execution unchanged here; the client says so
      await assert.rejects(
        mistral.updateExecutionState(ex.id, 'RUNNING'),
        (e: Error) => e instanceof OpenStackError && e.message === `mistral: execution ${ex.id} stayed CANCELLED; Mistral did not move it to RUNNING`,
      );
      await assert.rejects(
        mistral.updateExecutionState(ex.id, 'PAUSED'),
        (e: Error) =>
          e instanceof HttpError && e.status === 400 && e.serviceMessage.startsWith("Can't change workflow execution state from CANCELLED to PAUSED."),
      );
    });

    it('fails a running workflow on request (ERROR with state_info)', async () => {
      const ex = await mistral.createExecution(`${slowWb}.slow`, { input: { seconds: 1 } });
      await mistral.updateExecutionState(ex.id, 'ERROR', { stateInfo: 'failed by the test' });
      const done = await mistral.waitForExecution(ex.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'ERROR');
      assert.equal(done.state_info, 'failed by the test');
      assert.deepEqual(done.parsedOutput, { result: 'failed by the test' });
    });

    it('waits with a time limit and a cancel signal', async () => {
      const ex = await mistral.createExecution(`${slowWb}.slow`, { input: { seconds: 1 } });
      await assert.rejects(
        mistral.waitForExecution(ex.id, { timeoutMs: 400, intervalMs: 100 }),
        (e: Error) => e instanceof TimeoutError && e.message === `mistral: WAIT execution ${ex.id} timed out after 400 ms`,
      );
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      await assert.rejects(mistral.waitForExecution(ex.id, { signal: ac.signal }), CancelledError);
      const done = await mistral.waitForExecution(ex.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'SUCCESS');
      assert.deepEqual(done.parsedOutput, { out: 'done' });
    });

    it('deletes executions: a running one only with force', async () => {
      const ex = await mistral.createExecution(`${slowWb}.slow`, { input: { seconds: 5 } });
      await assert.rejects(
        mistral.deleteExecution(ex.id),
        (e: Error) => e instanceof HttpError && e.status === 403 && /^Only completed executions can be deleted/.test(e.serviceMessage),
      );
      await mistral.deleteExecution(ex.id, { force: true });
      assert.equal(await mistral.getExecution(ex.id), undefined);
      await mistral.deleteExecution(ex.id);

      const [finished] = await mistral.listExecutionsOf(`${wb}.broken`);
      await mistral.deleteExecution(finished.id);
      assert.equal(await mistral.getExecution(finished.id), undefined);
    });
  });

  describe('environments', () => {
    it('creates, reads, updates, uses and deletes an environment with object variables', async () => {
      const variables = { greeting: 'hi from env', deep: { list: [1, 'two', { three: 3 }] }, flag: true };
      const created = await mistral.createEnvironment(envName, variables, { description: 'integration test' });
      assert.deepEqual(created.variables, variables);
      assert.equal(created.description, 'integration test');
      assert.deepEqual((await mistral.getEnvironment(envName))?.variables, variables);
      await assert.rejects(
        mistral.createEnvironment(envName, {}),
        (e: Error) => e instanceof HttpError && e.status === 409 && /^Duplicate entry for Environment/.test(e.serviceMessage),
      );

      const updated = await mistral.updateEnvironment(envName, { variables: { ...variables, greeting: 'hello again' } });
      assert.equal(updated.variables.greeting, 'hello again');
      const described = await mistral.updateEnvironment(envName, { description: 'changed' });
      assert.equal(described.description, 'changed');
      assert.equal(described.variables.greeting, 'hello again');

      // a workflow reads it with env() when the execution names it
      const ex = await mistral.createExecution(`${wb}.from_env`, { params: { env: envName } });
      const done = await mistral.waitForExecution(ex.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'SUCCESS', redactText(done.state_info ?? ''));
      assert.deepEqual(done.parsedOutput, { greeting: 'hello again', nested: 'two' });

      await mistral.deleteEnvironment(envName);
      assert.equal(await mistral.getEnvironment(envName), undefined);
      await mistral.deleteEnvironment(envName);
      await assert.rejects(mistral.updateEnvironment(envName, { variables: {} }), (e: Error) => e instanceof HttpError && e.status === 404);
    });
  });

  describe('actions', () => {
    it('runs std.echo synchronously and returns its parsed result', async () => {
      const result = await mistral.runAction<{ list: unknown[] }>('std.echo', { output: { list: [1, 'two', { three: 3 }] } });
      assert.deepEqual(result, { list: [1, 'two', { three: 3 }] });
      assert.equal(await mistral.runAction('std.echo', { output: 'plain' }), 'plain');
    });

    it('reports a failed action with its result, and an unknown one', async () => {
      await assert.rejects(
        mistral.runAction('std.fail', { error_data: 'boom' }),
        (e: Error) =>
          e instanceof ActionExecutionError && e.action === 'std.fail' && e.result === 'boom' && e.message === 'mistral: action std.fail failed: boom',
      );
      await assert.rejects(
        mistral.runAction('std.nope'),
        (e: Error) => e instanceof HttpError && e.serviceMessage === 'Failed to find action [action_name=std.nope]',
      );
    });
  });

  describe('workbook update and delete', () => {
    it('updates a workbook, and its workflows with it', async () => {
      const updated = await mistral.updateWorkbook(workbook('bonjour'));
      assert.deepEqual(updated.tags, ['vscode-tripleo-test', 'greeting:bonjour']);
      assert.ok(updated.updated_at);
      const ex = await mistral.createExecution(`${wb}.echo`, { input: { who: 'again' } });
      assert.deepEqual((await mistral.waitForExecution(ex.id, { timeoutMs: 30_000 })).parsedOutput, { greeting: 'bonjour again' });
      await assert.rejects(
        mistral.updateWorkbook(workbook('x').replace(`name: ${wb}`, `name: ${wb}_missing`)),
        (e: Error) => e instanceof HttpError && e.status === 404 && e.serviceMessage.startsWith(`Workbook not found [name=${wb}_missing`),
      );
    });

    it('deletes a workbook and its workflows', async () => {
      await mistral.deleteWorkbook(slowWb);
      assert.equal(await mistral.getWorkbook(slowWb), undefined);
      // Mistral alone would leave this one behind
      assert.equal(await mistral.getWorkflow(`${slowWb}.slow`), undefined);
      await mistral.deleteWorkbook(slowWb);
      await mistral.deleteWorkbook(wb);
      assert.deepEqual(await mistral.listWorkflows({ nameContains: wb }), []);
    });
  });
});
