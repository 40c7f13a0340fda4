import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { syncFlavors } from '../../src/tripleo/flavors';
import { IMAGE_SPECS } from '../../src/tripleo/images';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { createPlan } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { removeStackAndPlan, ROOT, uniqueName, undercloudProfile } from '../support/undercloud';
import { Workbench } from '../support/workbench';

// An operator starts VS Code the way npm start does (walkthrough shown), uploads the images of a
// workspace folder from the explorer, and looks at the Images view and a plan's Flavors.
describe('UI: the first-deployment walkthrough, Upload Images from the explorer, Images and Flavors', function () {
  this.timeout(240_000);
  const results = path.join(ROOT, 'test-results/ui/images');
  const workspace = path.join(results, 'workspace');
  const plan = uniqueName('uif');
  const flavors = [uniqueName('control'), uniqueName('compute')];
  let wb: Workbench;
  let uc: Undercloud;

  const tripleoNamed = async () => (await uc.glance.listImages()).filter((i) => IMAGE_SPECS.some((s) => i.name === s.name || i.name?.startsWith(`${s.name}_`)));

  before(async () => {
    fs.rmSync(results, { recursive: true, force: true });
    // the workspace npm start opens (the sample plan, whose capabilities-map.yaml activates the extension) with an images folder
    fs.cpSync(path.join(ROOT, 'samples/overcloud-lite'), workspace, { recursive: true });
    fs.mkdirSync(path.join(workspace, 'images'), { recursive: true });
    for (const s of IMAGE_SPECS) fs.writeFileSync(path.join(workspace, 'images', s.file), crypto.randomBytes(256 * 1024));
    uc = new Undercloud(undercloudProfile());
    for (const i of await tripleoNamed()) await uc.glance.deleteImage(i.id);
    const clouds = path.join(results, 'clouds.yaml');
    execFileSync('node', [path.join(ROOT, 'scripts/undercloud/env.mjs'), '--clouds-yaml', clouds], { stdio: 'ignore' });
    wb = new Workbench(results, Number(process.env.UI_PORT ?? 18412), workspace, {
      OS_CLIENT_CONFIG_FILE: clouds,
      OS_CLOUD: 'undercloud',
      TRIPLEO_OPEN_WALKTHROUGH: '1',
    });
    await wb.start();
  });

  after(async () => {
    if (wb?.page && this.ctx.currentTest?.state === 'failed') await wb.screenshot('failure').catch(() => undefined);
    await wb?.stop();
    for (const f of await uc.nova.listFlavors()) if (flavors.includes(f.name)) await uc.nova.deleteFlavor(f.id);
    await removeStackAndPlan(plan);
    uc.dispose();
  });

  const step = (title: string) => wb.page.locator('.getting-started-step', { hasText: title });

  it('opens on the walkthrough, Connect checked off once connected', async () => {
    await wb.page.locator('.gettingStartedContainer', { hasText: 'Deploy a first TripleO overcloud' }).first().waitFor({ timeout: 90_000 });
    await wb.statusBarItem('undercloud (admin)').waitFor({ timeout: 60_000 });
    await step('Connect to the undercloud').locator('.codicon-getting-started-step-checked').waitFor({ timeout: 30_000 });
    assert.equal(await step('Upload images').locator('.codicon-getting-started-step-checked').count(), 0);
    await wb.screenshot('walkthrough-on-start');
  });

  it('Upload Images on a folder of the explorer: the step is checked off and the Images view lists what Glance holds', async () => {
    await wb.page.keyboard.press('Control+Shift+E');
    const folder = wb.page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^images$/ });
    await folder.waitFor({ timeout: 30_000 });
    await folder.click({ button: 'right' });
    const item = wb.page.locator('.monaco-menu .action-item', { hasText: 'Upload Images' }).first();
    await item.waitFor();
    await item.hover();
    await item.click();
    if (await item.isVisible().catch(() => false)) await wb.page.keyboard.press('Enter');
    await wb.page.locator('.notifications-toasts', { hasText: 'images 5 uploaded' }).waitFor({ timeout: 90_000 });
    await step('Upload images').locator('.codicon-getting-started-step-checked').waitFor({ timeout: 30_000 });
    await wb.screenshot('walkthrough-upload-checked');

    const images = await tripleoNamed();
    assert.deepEqual(images.map((i) => i.name).sort(), IMAGE_SPECS.map((s) => s.name).sort());
    await wb.runCommand('TripleO: Focus on Images View');
    const pane = wb.viewPane('Images');
    const row = (name: string) => pane.locator('.monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) });
    for (const s of IMAGE_SPECS) await row(s.name).first().waitFor({ timeout: 30_000 });
    assert.match(await row('overcloud-full').first().innerText(), /qcow2 · 0\.3 MiB/);
    await wb.screenshot('images-view');
  });

  it("a plan's Flavors section shows each role's flavor, profile and available nodes", async () => {
    await createPlan(uc, plan, path.join(ROOT, 'samples/overcloud-lite'));
    await updatePlanParameters(uc, plan, { OvercloudControllerFlavor: flavors[0], OvercloudComputeFlavor: flavors[1] });
    await syncFlavors(uc, plan);
    await wb.runCommand('TripleO: Refresh Plans');
    // room for the plan tree: fold the other views
    for (const title of ['Nodes', 'Images', 'Executions', 'Validations']) {
      const header = wb.viewPane(title).locator('.pane-header');
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
    const plans = wb.viewPane('Plans');
    const planRow = plans.locator('.monaco-list-row', { hasText: plan });
    await planRow.waitFor({ timeout: 60_000 });
    await planRow.click();
    // the sections are Environments, Parameters, Roles, Flavors, Templates: walk down to Flavors and open it
    await planRow.locator('.monaco-tl-twistie.collapsible:not(.collapsed)').waitFor({ timeout: 30_000 });
    for (let i = 0; i < 4; i++) await wb.page.keyboard.press('ArrowDown');
    await wb.page.keyboard.press('ArrowRight');
    await plans.locator('.monaco-list-row[aria-expanded="true"]', { hasText: /^Flavors$/ }).waitFor({ timeout: 30_000 });
    // the roles load after the section opens; moving onto them scrolls them into view
    await wb.page.waitForTimeout(3000);
    await wb.page.keyboard.press('ArrowDown');
    await wb.page.keyboard.press('ArrowDown');
    const controller = plans.locator('.monaco-list-row', { hasText: `${flavors[0]} · profile ${flavors[0]}` });
    await controller.waitFor({ timeout: 60_000 });
    assert.match(await controller.innerText(), /Controller/);
    assert.match(await controller.innerText(), /0 available node\(s\)/);
    await plans.locator('.monaco-list-row', { hasText: `${flavors[1]} · profile ${flavors[1]}` }).waitFor();
    await wb.screenshot('plan-flavors');
    assert.deepEqual(wb.blocked, []);
  });
});
