import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Undercloud } from '../../src/tripleo/undercloud';
import { ROOT, simulateRamdisk, undercloudProfile, waitForInspectorWaiting } from '../support/undercloud';
import { Workbench } from '../support/workbench';

const hex = () => Math.floor(Math.random() * 200 + 16).toString(16);

// An operator registers two machines from an instackenv file and introspects them; the ramdisk's
// report to ironic-inspector is simulated, everything else is the real Ironic and inspector.
describe('UI: bare-metal nodes, registered and introspected from VS Code', function () {
  this.timeout(180_000);
  const results = path.join(ROOT, 'test-results/ui/nodes');
  const workspace = path.join(results, 'workspace');
  const prefix = `ui-${Date.now().toString(36)}`;
  const names = [`${prefix}-ctl`, `${prefix}-cmp`];
  const macs = names.map((_, i) => `52:54:03:${hex()}:${hex()}:0${i}`);
  let wb: Workbench;
  let uc: Undercloud;

  before(async () => {
    fs.rmSync(results, { recursive: true, force: true });
    fs.mkdirSync(workspace, { recursive: true });
    fs.writeFileSync(
      path.join(workspace, 'instackenv.json'),
      JSON.stringify(
        {
          nodes: names.map((name, i) => ({
            name,
            pm_type: 'fake-hardware',
            pm_addr: `10.99.${hex()}.${i + 1}`,
            pm_user: 'admin',
            pm_password: 'secret',
            mac: [macs[i]],
          })),
        },
        null,
        2,
      ),
    );
    const clouds = path.join(results, 'clouds.yaml');
    execFileSync('node', [path.join(ROOT, 'scripts/undercloud/env.mjs'), '--clouds-yaml', clouds], { stdio: 'ignore' });
    uc = new Undercloud(undercloudProfile());
    wb = new Workbench(results, Number(process.env.UI_PORT ?? 18412), workspace, { OS_CLIENT_CONFIG_FILE: clouds, OS_CLOUD: 'undercloud' });
    await wb.start();
  });
  after(async () => {
    if (wb?.page && this.ctx.currentTest?.state === 'failed') await wb.screenshot('failure').catch(() => undefined);
    await wb?.stop();
    for (const n of await uc.ironic.listNodes()) if (names.includes(n.name ?? '')) await uc.ironic.deleteNode(n.uuid).catch(() => undefined);
    uc.dispose();
  });

  const nodeRow = (name: string) => wb.viewPane('Nodes').locator('.monaco-list-row', { hasText: name });

  it('registers the nodes of instackenv.json after showing what would change', async () => {
    await wb.activityBarItem('TripleO').click();
    await wb.statusBarItem('undercloud (admin)').waitFor({ timeout: 60_000 });
    await wb.openFile('instackenv.json');
    await wb.runCommand('TripleO: Register Nodes');
    const dialog = wb.page.locator('.monaco-dialog-box', { hasText: 'Register 2 nodes from instackenv.json?' });
    await dialog.waitFor({ timeout: 30_000 });
    assert.match(await dialog.innerText(), new RegExp(`New: ${names[0]}, ${names[1]}`));
    await wb.screenshot('register-dry-run');
    await dialog.locator('.monaco-button', { hasText: /^Register$/ }).click();
    await nodeRow(names[0]).waitFor({ timeout: 60_000 });
    await nodeRow(names[1]).waitFor({ timeout: 60_000 });
    assert.match(await nodeRow(names[0]).innerText(), /no profile/);
    assert.doesNotMatch(await nodeRow(names[0]).innerText(), /CPU/);
    await wb.screenshot('nodes-before-introspection');
  });

  it('introspects the selected nodes; the view shows the hardware inspector found when it finishes', async () => {
    for (const n of await uc.ironic.listNodes()) {
      if (names.includes(n.name ?? '')) await uc.ironic.updateNode(n.uuid, [{ op: 'replace', path: '/inspect_interface', value: 'inspector' }]);
    }
    // both rows selected before the context menu: a Ctrl+click during a re-render can be lost
    for (let attempt = 0; attempt < 5; attempt++) {
      await nodeRow(names[0]).click();
      await nodeRow(names[1]).click({ modifiers: ['Control'] });
      const selected = await Promise.all(names.map((n) => nodeRow(n).getAttribute('aria-selected')));
      if (selected.every((x) => x === 'true')) break;
    }
    await nodeRow(names[1]).click({ button: 'right' });
    const item = wb.page.locator('.monaco-menu .action-item', { hasText: 'Introspect Nodes' }).first();
    await item.waitFor();
    await item.hover();
    await item.click();
    // a click that lands while the menu is still animating in is ignored: Enter runs the focused item
    if (await item.isVisible().catch(() => false)) await wb.page.keyboard.press('Enter');

    // the ramdisk on each machine reports its inventory once inspector waits for it
    const nodes = (await uc.ironic.listNodes()).filter((n) => names.includes(n.name ?? ''));
    for (const [i, n] of nodes.entries()) {
      await waitForInspectorWaiting(uc, n.uuid);
      if (i === 0) await wb.screenshot('nodes-introspecting');
      await simulateRamdisk(uc, macs[names.indexOf(n.name!)], { cpus: 8, memoryMb: 16384, diskBytes: 107374182400 });
    }
    await wb.page.locator('.notifications-toasts', { hasText: '2 of 2 nodes manageable' }).waitFor({ timeout: 120_000 });
    for (const name of names)
      await nodeRow(name)
        .filter({ hasText: /8 CPU · 16 GiB · \d+ GB · x86_64/ })
        .waitFor({ timeout: 30_000 });
    await nodeRow(names[0]).hover();
    await wb.page.locator('.monaco-hover', { hasText: 'Hardware: 8 CPU' }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('nodes-after-introspection');
  });

  it('made no request beyond this machine', () => {
    assert.deepEqual(wb.blocked, []);
  });
});
