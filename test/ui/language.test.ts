import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../support/undercloud';
import { Workbench } from '../support/workbench';

// The language server as a user sees it: squiggles, the Problems panel, hovers, a quick fix, colours.
describe('UI: the TripleO language server in code-server, driven through Chromium', function () {
  this.timeout(120_000);
  // beside test-results/ui, which the workbench scenario empties when it starts
  const results = path.join(ROOT, 'test-results/ui-language');
  const workspace = path.join(results, 'workspace');
  let wb: Workbench;

  before(async () => {
    fs.rmSync(results, { recursive: true, force: true });
    fs.mkdirSync(results, { recursive: true });
    fs.cpSync(path.join(ROOT, 'samples/overcloud-lite'), workspace, { recursive: true });
    fs.writeFileSync(
      path.join(workspace, 'environments/site.yaml'),
      '# Site settings\nparameter_defaults:\n  ComputeCont: 2\n  NovaComputeLibvirtType: xen\n  ControllerCount: 1\n',
    );
    wb = new Workbench(results, Number(process.env.UI_PORT ?? 18412), workspace);
    await wb.start();
  });

  after(async () => {
    if (wb?.page && this.ctx.currentTest?.state === 'failed') await wb.screenshot('failure').catch(() => undefined);
    await wb?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
  });

  const token = (lineText: string, text: string) =>
    wb.page.locator('.monaco-editor .view-lines .view-line', { hasText: lineText }).first().locator('span > span', { hasText: text }).first();

  it('underlines an unknown parameter and a value outside its allowed values, and lists both in Problems', async () => {
    await wb.openFile('environments/site.yaml');
    await wb.page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await wb.page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 30_000 });
    await wb.page.keyboard.press('Control+Shift+M');
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'did you mean "ComputeCount"' }).first().waitFor({ timeout: 30_000 });
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'Either kvm (hardware virtualization) or qemu' }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('language-problems');
  });

  it("shows a parameter's documentation and the values of the selected environments on hover", async () => {
    await token('ControllerCount', 'ControllerCount').hover();
    const hover = wb.page.locator('.monaco-hover', { hasText: 'Number of Controller nodes to deploy' });
    await hover.first().waitFor({ timeout: 30_000 });
    const text = await hover.first().innerText();
    assert.match(text, /range: 1 to 9/);
    assert.match(text, /selected in plan-environment\.yaml/);
    await wb.screenshot('language-hover-parameter');
  });

  it('shows the diagnostic with its quick fix on hover, and applies it', async () => {
    await wb.page.mouse.move(0, 0);
    await token('ComputeCont', 'ComputeCont').hover();
    const hover = wb.page.locator('.monaco-hover', { hasText: 'did you mean "ComputeCount"' });
    await hover.first().waitFor({ timeout: 30_000 });
    await wb.screenshot('language-hover-diagnostic');
    await hover.first().locator('a, .action', { hasText: 'Quick Fix' }).first().click();
    await wb.page.locator('.action-widget, .context-view', { hasText: 'Change to "ComputeCount"' }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('language-quick-fix');
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.monaco-editor .view-line', { hasText: 'ComputeCount: 2' }).first().waitFor({ timeout: 30_000 });
    await wb.page.locator('.monaco-editor .view-line', { hasText: 'ControllerCount: 1' }).first().click();
    await wb.page.keyboard.press('Control+S');
    const saved = path.join(workspace, 'environments/site.yaml');
    for (let i = 0; !/^ {2}ComputeCount: 2$/m.test(fs.readFileSync(saved, 'utf8')); i++) {
      if (i === 100) assert.fail(`the fix was not saved: ${fs.readFileSync(saved, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'did you mean' }).waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('colours Heat functions and resource types in a template', async () => {
    await wb.openFile('overcloud.yaml');
    const line = wb.page.locator('.monaco-editor .view-line', { hasText: 'count: {get_param: ControllerCount}' }).first();
    await wb.page.keyboard.press('Control+G');
    await wb.page.keyboard.type(
      String(
        fs
          .readFileSync(path.join(workspace, 'overcloud.yaml'), 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('count: {get_param: ControllerCount}')) + 1,
      ),
    );
    await wb.page.keyboard.press('Enter');
    await line.waitFor({ timeout: 30_000 });
    const colour = async (lineText: string, text: string) =>
      token(lineText, text).evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { color: string } }).getComputedStyle(e).color);
    const fn = await colour('count: {get_param: ControllerCount}', 'get_param');
    const key = await colour('count: {get_param: ControllerCount}', 'count');
    assert.notEqual(fn, key, 'get_param is coloured like any key');
    const type = await colour('type: OS::Heat::ResourceGroup', 'OS::Heat::ResourceGroup');
    const plain = await colour('count: {get_param: ControllerCount}', 'ControllerCount');
    assert.notEqual(type, plain, 'a resource type is coloured like any string');
    await wb.page.keyboard.press('Escape');
    await wb.screenshot('language-highlighting');
  });

  it('made no request beyond this machine', () => {
    assert.deepEqual(wb.blocked, []);
  });
});
