import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from '../support/undercloud';
import { Workbench } from '../support/workbench';
import { Undercloud } from '../../src/tripleo/undercloud';
import { readPlanData } from '../../src/tripleo/planData';
import { removeStackAndPlan, undercloudProfile } from '../support/undercloud';

// One user's session, step by step, each step building on the previous one.
describe('UI: the TripleO extension in code-server, driven through Chromium', function () {
  this.timeout(120_000);
  const results = path.join(ROOT, 'test-results/ui');
  const workspace = path.join(results, 'workspace');
  let wb: Workbench;

  before(async () => {
    // only this scenario's own files: other UI scenarios keep theirs in subfolders
    for (const f of fs.existsSync(results) ? fs.readdirSync(results) : [])
      if (f.endsWith('.png') || f === 'workspace') fs.rmSync(path.join(results, f), { recursive: true, force: true });
    fs.mkdirSync(results, { recursive: true });
    // a copy of the sample plan, so that the test can add a broken file without touching the sample
    fs.cpSync(process.env.UI_SAMPLE_DIR ?? path.join(ROOT, 'samples/overcloud-lite'), workspace, { recursive: true });
    fs.writeFileSync(
      path.join(workspace, 'environments/broken-env.yaml'),
      'parameter_defaults:\n  Debug: true\n  ComputeCont: 2\nresource_registy:\n  OS::TripleO::Network: ../network/flat.yaml\n',
    );
    const clouds = path.join(results, 'clouds.yaml');
    execFileSync('node', [path.join(ROOT, 'scripts/undercloud/env.mjs'), '--clouds-yaml', clouds], { stdio: 'ignore' });
    wb = new Workbench(results, Number(process.env.UI_PORT ?? 18412), workspace, { OS_CLIENT_CONFIG_FILE: clouds });
    await wb.start();
  });

  const plan = `ui-${Date.now().toString(36)}`;
  after(async () => {
    await removeStackAndPlan(plan);
    if (wb?.page && this.ctx.currentTest?.state === 'failed') await wb.screenshot('failure').catch(() => undefined);
    await wb?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
  });

  it('shows the TripleO container with Plans, Nodes and Executions, each inviting to connect', async () => {
    const icon = wb.activityBarItem('TripleO');
    await icon.waitFor({ timeout: 60_000 });
    await icon.click();
    for (const view of ['Plans', 'Nodes', 'Executions']) {
      await wb.page.locator('.pane-header', { hasText: view }).first().waitFor({ timeout: 30_000 });
    }
    const welcome = wb.page.locator('.welcome-view-content', { hasText: 'Not connected to an undercloud' }).first();
    await welcome.waitFor({ timeout: 30_000 });
    assert.ok(await wb.page.locator('.welcome-view-content a.monaco-button', { hasText: 'Connect' }).first().isVisible());
    await wb.statusBarItem('TripleO: not connected').waitFor();
    await wb.screenshot('views-not-connected');
  });

  it('offers the TripleO commands in the command palette', async () => {
    await wb.page.keyboard.press('F1');
    const input = wb.page.locator('.quick-input-widget input.input');
    await input.fill('>TripleO: ');
    for (const title of ['TripleO: Connect', 'TripleO: Show Log']) {
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    }
    await wb.screenshot('command-palette');
    await wb.page.keyboard.press('Escape');
  });

  it('connects through "TripleO: Connect" to the undercloud of clouds.yaml', async () => {
    await wb.runCommand('TripleO: Connect');
    const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'undercloud' }).first();
    await row.waitFor();
    await wb.screenshot('connect-pick-profile');
    await wb.page.keyboard.press('Enter');
    await wb.statusBarItem('undercloud (admin)').waitFor({ timeout: 30_000 });
    await wb.viewPane('Plans').locator('.monaco-list-row').first().waitFor({ timeout: 30_000 });
    const planRows = await wb.viewPane('Plans').locator('.monaco-list-row').allInnerTexts();
    assert.ok(planRows.length >= 1, 'the Plans view is empty');
    await wb.screenshot('connected');
  });

  it('restores the connection after a reload, without asking again', async () => {
    const reloaded = wb.page.waitForEvent('load', { timeout: 60_000 });
    await wb.runCommand('Developer: Reload Window');
    await reloaded;
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await wb.statusBarItem('undercloud (admin)').waitFor({ timeout: 60_000 });
    assert.equal(await wb.page.locator('.quick-input-widget input.input').isVisible(), false);
  });

  it('creates a plan from the sample folder through the command palette', async () => {
    await wb.runCommand('TripleO: Create Plan from Folder');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'workspace' }).first().waitFor();
    await wb.screenshot('create-plan-pick-folder');
    await wb.page.keyboard.press('Enter');
    const input = wb.page.locator('.quick-input-widget input.input');
    await wb.page.locator('.quick-input-widget', { hasText: 'name of the new plan' }).waitFor();
    await input.fill('bad name!');
    await wb.page.locator('.quick-input-widget', { hasText: 'may only contain letters' }).waitFor();
    await wb.screenshot('create-plan-bad-name');
    await input.fill(plan);
    await wb.page.keyboard.press('Enter');
    await wb.viewPane('Plans').locator('.monaco-list-row', { hasText: plan }).waitFor({ timeout: 60_000 });
    await wb.screenshot('plan-created');
  });

  it('selects an environment by checking it in the Plans tree', async () => {
    // the tree draws only the rows in sight: the other views give their room to Plans for this step
    const collapsed: string[] = [];
    for (const view of ['Nodes', 'Images', 'Executions', 'Validations']) {
      const header = wb.page.locator('.pane-header.expanded', { hasText: view }).first();
      if (await header.isVisible().catch(() => false)) {
        await header.click();
        collapsed.push(view);
      }
    }
    const plans = wb.viewPane('Plans');
    await plans.locator('.monaco-list-row', { hasText: plan }).click();
    await plans.locator('.monaco-list-row', { hasText: 'Environments' }).click();
    const row = plans.locator('.monaco-list-row', { hasText: 'Debug logging' });
    await row.waitFor({ timeout: 30_000 });
    const uc = new Undercloud(undercloudProfile());
    try {
      // a click while the tree re-renders can miss the checkbox: click again if nothing changed
      let selected = false;
      for (let attempt = 0; attempt < 3 && !selected; attempt++) {
        if (
          !(await row
            .locator('.custom-view-tree-node-item-checkbox.checked')
            .isVisible()
            .catch(() => false))
        )
          await row.locator('.custom-view-tree-node-item-checkbox').click();
        for (let i = 0; i < 50 && !selected; i++) {
          const data = await readPlanData(uc.mistral, plan);
          selected = !!data?.environments.some((e) => 'path' in e && e.path === 'environments/debug.yaml');
          if (!selected) await new Promise((r) => setTimeout(r, 200));
        }
      }
      if (!selected) throw new Error('the plan did not get environments/debug.yaml');
    } finally {
      uc.dispose();
    }
    await row.locator('.custom-view-tree-node-item-checkbox.checked').waitFor({ timeout: 30_000 });
    await wb.screenshot('environment-checked');
    for (const view of collapsed) await wb.page.locator('.pane-header', { hasText: view }).first().click();
  });

  it("edits a parameter in the plan's parameter document and saves it", async () => {
    await wb.runCommand('TripleO: Edit Parameters');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: plan }).first().click();
    await wb.page.locator('.tab.active', { hasText: 'parameters.yaml' }).waitFor({ timeout: 30_000 });
    const line = wb.page.locator('.monaco-editor .view-line', { hasText: 'parameter_defaults: {}' });
    await line.waitFor();
    await line.click();
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('Shift+Home');
    await wb.page.keyboard.type('parameter_defaults: {ComputeCount: 3}');
    await wb.page.keyboard.press('Control+S');
    const uc = new Undercloud(undercloudProfile());
    try {
      for (let i = 0; ; i++) {
        const data = await readPlanData(uc.mistral, plan);
        if (data?.parameter_defaults.ComputeCount === 3) break;
        if (i === 100) throw new Error(`ComputeCount was not saved: ${JSON.stringify(data?.parameter_defaults)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      uc.dispose();
    }
    await wb.screenshot('parameter-saved');
    await wb.page.keyboard.press('Control+W');
  });

  it('deploys the plan after showing what changes, with progress in the status bar', async () => {
    await wb.runCommand('TripleO: Deploy Plan');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: plan }).first().click();
    await wb.page.locator('.tab', { hasText: `${plan} changes.diff` }).waitFor({ timeout: 30_000 });
    const dialog = wb.page.locator('.monaco-dialog-box', { hasText: `Deploy plan "${plan}"` });
    await dialog.waitFor({ timeout: 30_000 });
    await wb.screenshot('deploy-diff-and-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Deploy$/ }).click();
    await wb.statusBarItem(new RegExp(`${plan}: CREATE_IN_PROGRESS`)).waitFor({ timeout: 60_000 });
    await wb.screenshot('deploy-progress');
    await wb.statusBarItem(`${plan}: CREATE_COMPLETE`).waitFor({ timeout: 180_000 });
    await wb.screenshot('deploy-complete');
  });

  it('lists the deploy in the Executions view with its state', async () => {
    await wb.page.keyboard.press('Escape');
    const row = wb.viewPane('Executions').locator('.monaco-list-row', { hasText: 'deploy_plan' }).filter({ hasText: plan });
    if (
      !(await row
        .first()
        .isVisible()
        .catch(() => false))
    )
      await wb.runCommand('TripleO: Refresh Executions');
    await row.first().waitFor({ timeout: 30_000 });
    assert.match(await row.first().innerText(), /SUCCESS/);
    await wb.screenshot('executions');
  });

  it('lists what a deploy would change and opens a changed template against the deployed one in the diff editor', async () => {
    const template = 'puppet/controller-role.yaml';
    const uc = new Undercloud(undercloudProfile());
    try {
      const text = await uc.swift.getObjectText(plan, template);
      await uc.swift.putObject(plan, template, text.replace('One Controller node.', 'One Controller node, changed for this screenshot.'));
    } finally {
      uc.dispose();
    }
    await wb.runCommand('TripleO: Show a Changed File Against the Stack');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: plan }).first().click();
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: template }).first().click();
    await wb.page.locator('.tab', { hasText: `${template}: deployed ↔ to deploy` }).waitFor({ timeout: 30_000 });
    assert.ok(
      await wb.page
        .locator('.tab', { hasText: `${plan} changes.diff` })
        .first()
        .isVisible(),
    );
    await wb.page.locator('.monaco-diff-editor .view-line', { hasText: 'changed for this screenshot' }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('deploy-diff-changed-template');
  });

  it('underlines a misspelled section of an environment file and lists it in Problems', async () => {
    await wb.openFile('environments/broken-env.yaml');
    await wb.page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    await wb.page.keyboard.press('Control+Shift+M');
    const problem = wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'did you mean "resource_registry"' }).first();
    await problem.waitFor({ timeout: 30_000 });
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'did you mean "ComputeCount"' }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('problems');
  });

  it('explains a section on hover', async () => {
    const token = wb.page.locator('.monaco-editor .view-lines .view-line', { hasText: 'parameter_defaults' }).first().locator('span span').first();
    await token.hover();
    const hover = wb.page.locator('.monaco-hover', { hasText: 'every' });
    await hover.first().waitFor({ timeout: 30_000 });
    assert.match(await hover.first().innerText(), /parameter_defaults/);
    await wb.screenshot('hover');
  });

  it('made no request beyond this machine', () => {
    assert.deepEqual(wb.blocked, []);
  });
});
