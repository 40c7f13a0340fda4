import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { ROOT } from './undercloud';

/** A code-server with the extension installed (linked) and a Chromium page on its workbench. */
export class Workbench {
  browser!: Browser;
  page!: Page;
  readonly blocked: string[] = [];
  private shotIndex = 0;

  constructor(
    readonly runDir: string,
    readonly port: number,
    readonly folder: string,
    readonly env: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    fs.mkdirSync(this.runDir, { recursive: true });
    execFileSync('bash', [path.join(ROOT, 'scripts/vscode/start.sh'), path.join(this.runDir, 'code-server'), String(this.port), this.folder], {
      stdio: 'inherit',
      env: {
        ...process.env,
        LINK_EXTENSION: '1',
        CODE_SERVER_ENV: Object.entries(this.env)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      },
    });
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 900 } });
    // only loopback: anything else is recorded and refused
    await context.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (/^(https?|wss?):$/.test(u.protocol) && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
        this.blocked.push(u.href);
        return route.abort('blockedbyclient');
      }
      return route.continue();
    });
    this.page = await context.newPage();
    await this.page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.folder)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.runDir, `${String(++this.shotIndex).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    execFileSync('bash', [path.join(ROOT, 'scripts/vscode/stop.sh'), path.join(this.runDir, 'code-server')], { stdio: 'inherit' });
  }

  /** Runs a command from the command palette (F1), by its title. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    // right after a reload the workbench may not have the keyboard yet: give it focus and retry
    for (let attempt = 0; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt >= 5) throw e;
        await this.page
          .locator('.part.statusbar')
          .click({ position: { x: 600, y: 5 } })
          .catch(() => undefined);
      }
    }
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** Opens a workspace file with Quick Open. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill(relativePath);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relativePath) })
      .first()
      .waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tab.active', { hasText: path.basename(relativePath) }).waitFor();
  }

  activityBarItem(label: string): Locator {
    return this.page.locator(`.part.activitybar .action-item a[aria-label^="${label}"]`);
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text });
  }

  /** The body of a view pane by its title (e.g. "Plans"). */
  viewPane(title: string): Locator {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: title }) });
  }
}
