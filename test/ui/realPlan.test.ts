import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusTree, corpusTrees, describeCorpus } from '../support/corpus';
import { ROOT, removeStackAndPlan } from '../support/undercloud';
import { Workbench } from '../support/workbench';

// An operator opens a released tripleo-heat-templates tree (queens) and makes it a plan from VS Code.
describeCorpus('UI: a released tripleo-heat-templates tree as a plan', () => {
  if (!corpusTrees().includes('queens')) return;
  describe('queens', function () {
    this.timeout(900_000);
    const results = path.join(ROOT, 'test-results/ui/real-plan');
    const plan = `ui-queens-${Date.now().toString(36)}`;
    let scratch: string;
    let wb: Workbench;

    before(async () => {
      fs.rmSync(results, { recursive: true, force: true });
      fs.mkdirSync(results, { recursive: true });
      // the tree is test data read from the corpus: a temporary copy, never one inside the project
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-ui-queens-'));
      const workspace = path.join(scratch, 'queens');
      fs.cpSync(corpusTree('queens'), workspace, { recursive: true, verbatimSymlinks: true });
      const clouds = path.join(results, 'clouds.yaml');
      execFileSync('node', [path.join(ROOT, 'scripts/undercloud/env.mjs'), '--clouds-yaml', clouds], { stdio: 'ignore' });
      wb = new Workbench(results, Number(process.env.UI_PORT ?? 18412), workspace, { OS_CLIENT_CONFIG_FILE: clouds, OS_CLOUD: 'undercloud' });
      await wb.start();
    });
    after(async () => {
      if (wb?.page && this.ctx.currentTest?.state === 'failed') await wb.screenshot('failure').catch(() => undefined);
      await wb?.stop();
      await removeStackAndPlan(plan);
      fs.rmSync(scratch, { recursive: true, force: true });
    });

    const plans = () => wb.viewPane('Plans');
    const row = (text: string | RegExp) => plans().locator('.monaco-list-row', { hasText: text }).first();

    it('creates the plan with Create Plan from Folder', async () => {
      await wb.activityBarItem('TripleO').click();
      await wb.statusBarItem('undercloud (admin)').waitFor({ timeout: 60_000 });
      await wb.runCommand('TripleO: Create Plan from Folder');
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'queens' }).first().waitFor({ timeout: 30_000 });
      await wb.page.keyboard.press('Enter');
      await wb.page.locator('.quick-input-widget', { hasText: 'name of the new plan' }).waitFor();
      await wb.page.locator('.quick-input-widget input.input').fill(plan);
      await wb.page.keyboard.press('Enter');
      await row(plan).waitFor({ timeout: 840_000 });
      assert.match(await row(plan).innerText(), /not deployed/);
    });

    it('shows the topics, the roles of roles_data.yaml and the parameters Heat reports', async () => {
      // the tree draws only the rows in sight: give the Plans view the whole side bar
      for (const view of ['Nodes', 'Images', 'Executions', 'Validations']) {
        const header = wb.page.locator('.pane-header.expanded', { hasText: view }).first();
        if (await header.isVisible().catch(() => false)) await header.click();
      }
      await row(plan).click();
      await row(/^Environments/).click();
      for (const topic of ['General Deployment Options', 'Network Configuration']) await row(topic).waitFor({ timeout: 60_000 });
      await wb.screenshot('queens-plan');
      // one section at a time: the tree draws only the rows in sight
      await row(/^Environments/).click();
      await row(/^Roles/).click();
      for (const role of ['Controller', 'Compute', 'CephStorage']) await row(new RegExp(`^${role}`)).waitFor({ timeout: 60_000 });
      await wb.screenshot('queens-plan-roles');
      await row(/^Roles/).click();
      await row(/^Parameters/).click();
      await row('overcloud.yaml').waitFor({ timeout: 120_000 });
      await row('overcloud.yaml').click();
      // the first rows in sight: parameters of the roles rendered from roles_data.yaml
      await row('BlockStorageCount').waitFor({ timeout: 30_000 });
      await row('CephStorageCount').waitFor({ timeout: 30_000 });
      await wb.screenshot('queens-plan-parameters');
    });
  });
});
