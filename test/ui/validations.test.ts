import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { createPlan } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { removeStackAndPlan, ROOT, uniqueName, undercloudProfile } from '../support/undercloud';
import { Workbench } from '../support/workbench';

// A user runs the pre-deployment validations of a plan whose Compute count is above the nodes
// there are, and reads why it failed.
describe('UI: validations in code-server, driven through Chromium', function () {
  this.timeout(120_000);
  const results = path.join(ROOT, 'test-results/ui-validations');
  const workspace = path.join(results, 'workspace');
  const plan = uniqueName('uival');
  let wb: Workbench;

  before(async () => {
    fs.rmSync(results, { recursive: true, force: true });
    fs.mkdirSync(results, { recursive: true });
    fs.cpSync(path.join(ROOT, 'samples/overcloud-lite'), workspace, { recursive: true });
    const uc = new Undercloud(undercloudProfile());
    try {
      await createPlan(uc, plan, workspace);
      await updatePlanParameters(uc, plan, { ComputeCount: 50 });
    } finally {
      uc.dispose();
    }
    const clouds = path.join(results, 'clouds.yaml');
    execFileSync('node', [path.join(ROOT, 'scripts/undercloud/env.mjs'), '--clouds-yaml', clouds], { stdio: 'ignore' });
    // OS_CLOUD: the extension connects on start, as it does for a user who set it
    // a port of its own: on UI_PORT, workbench.test.ts (next on the same port) saw its reload step race twice
    wb = new Workbench(results, Number(process.env.UI_PORT ?? 18412) + 1, workspace, { OS_CLIENT_CONFIG_FILE: clouds, OS_CLOUD: 'undercloud' });
    await wb.start();
  });
  after(async () => {
    await wb?.stop();
    await removeStackAndPlan(plan);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
  });

  it('shows the Validations view by group once connected', async () => {
    const icon = wb.activityBarItem('TripleO');
    await icon.waitFor({ timeout: 60_000 });
    await icon.click();
    await wb.statusBarItem('undercloud (admin)').waitFor({ timeout: 60_000 });
    // room for the Validations view: the other views of the container folded
    for (const other of ['Plans', 'Nodes', 'Executions']) {
      const header = wb.page.locator('.pane-header', { hasText: other }).first();
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
    const view = wb.viewPane('Validations');
    await view.locator('.monaco-list-row', { hasText: 'pre-deployment' }).waitFor({ timeout: 30_000 });
    for (const g of ['prep', 'pre-introspection', 'post-deployment']) await view.locator('.monaco-list-row', { hasText: g }).first().waitFor();
  });

  it("selects the plan and runs its pre-deployment group, showing each validation's result", async function () {
    // a Mistral shared with other test runs can take minutes over a group
    this.timeout(360_000);
    await wb.runCommand('TripleO: Select Plan for Validations');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: plan }).first().click();
    const view = wb.viewPane('Validations');
    await view.locator('.pane-header', { hasText: `plan ${plan}` }).waitFor({ timeout: 30_000 });
    await wb.runCommand('TripleO: Run Validation Group');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'pre-deployment' }).first().click();
    await wb.page.locator('.notifications-toasts', { hasText: /pre-deployment: \d of 5 validation\(s\) failed: .*node_counts/ }).waitFor({ timeout: 300_000 });
    const counts = view.locator('.monaco-list-row', { hasText: 'Enough available nodes for each role' });
    await counts.filter({ hasText: 'fail ·' }).waitFor({ timeout: 30_000 });
    assert.match(await view.locator('.monaco-list-row', { hasText: 'Templates validate, no parameter missing' }).innerText(), /pass ·/);
    await wb.screenshot('validations-view');
  });

  it('opens the results as a document with the messages a person can act on', async () => {
    await wb.runCommand('TripleO: Show Validation Results');
    await wb.page.locator('.tab.active', { hasText: 'pre-deployment.md' }).waitFor({ timeout: 30_000 });
    const editor = wb.page.locator('.monaco-editor .view-lines');
    await editor.locator('.view-line', { hasText: 'Validations of the pre-deployment group' }).waitFor({ timeout: 30_000 });
    await editor.locator('.view-line', { hasText: 'ComputeCount is 50 but only' }).first().waitFor();
    await wb.screenshot('validation-results');
  });

  it('made no request beyond this machine', () => {
    assert.deepEqual(wb.blocked, []);
  });
});
