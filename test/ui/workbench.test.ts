import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from '../support/undercloud';
import { Workbench } from '../support/workbench';

// One user's session, step by step, each step building on the previous one.
describe('UI: the TripleO extension in code-server, driven through Chromium', function () {
  this.timeout(120_000);
  const results = path.join(ROOT, 'test-results/ui');
  const workspace = path.join(results, 'workspace');
  let wb: Workbench;

  before(async () => {
    fs.rmSync(results, { recursive: true, force: true });
    fs.mkdirSync(results, { recursive: true });
    // a copy of the sample plan, so that the test can add a broken file without touching the sample
    fs.cpSync(process.env.UI_SAMPLE_DIR ?? path.join(ROOT, 'samples/overcloud-lite'), workspace, { recursive: true });
    fs.writeFileSync(path.join(workspace, 'environments/broken-env.yaml'), 'parameter_defaults:\n  Debug: true\nresource_registy:\n  OS::TripleO::Network: ../network/flat.yaml\n');
    const clouds = path.join(results, 'clouds.yaml');
    execFileSync('node', [path.join(ROOT, 'scripts/undercloud/env.mjs'), '--clouds-yaml', clouds], { stdio: 'ignore' });
    wb = new Workbench(results, Number(process.env.UI_PORT ?? 18412), workspace, { OS_CLIENT_CONFIG_FILE: clouds });
    await wb.start();
  });

  after(async () => {
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
    await wb.runCommand('Developer: Reload Window');
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await wb.statusBarItem('undercloud (admin)').waitFor({ timeout: 60_000 });
    assert.equal(await wb.page.locator('.quick-input-widget input.input').isVisible(), false);
  });

  it('underlines a misspelled section of an environment file and lists it in Problems', async () => {
    await wb.openFile('environments/broken-env.yaml');
    await wb.page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    await wb.page.keyboard.press('Control+Shift+M');
    const problem = wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'did you mean "resource_registry"' }).first();
    await problem.waitFor({ timeout: 30_000 });
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
