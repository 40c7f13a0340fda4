// Runs the mocha suite in out/test/exthost inside code-server's real extension host (the way
// @vscode/test-electron does on a desktop): the workbench reads extensionDevelopmentPath and
// extensionTestsPath from its `payload` URL parameter and, when the suite ends, calls
// window.codeAutomationExit(code), which Playwright exposes to us.
//   node test/support/runExtensionHostTests.mjs [--workspace DIR] [--timeout S]
// Exit code: the suite's (0 passed, 1 failed), 2 when the harness itself failed.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { format, parseArgs } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { values: args } = parseArgs({
  options: {
    workspace: { type: 'string', default: path.join(root, 'samples/overcloud-lite') },
    timeout: { type: 'string', default: '600' },
    port: { type: 'string', default: process.env.EXTHOST_PORT || '18411' },
    extension: { type: 'string', default: root },
    tests: { type: 'string', default: path.join(root, 'out/test/exthost/index') },
  },
});
const run = path.join(root, 'test-results/exthost/code-server');
const host = `127.0.0.1:${args.port}`;
const remote = (p) => `vscode-remote://${host}${p}`;

// The extension host sees this environment: a clouds.yaml with the local undercloud, not OS_CLOUD,
// so that the tests decide when to connect.
const cloudsYaml = path.join(root, 'test-results/exthost/clouds.yaml');
fs.mkdirSync(path.dirname(cloudsYaml), { recursive: true });
fs.rmSync(cloudsYaml, { force: true });
execFileSync('node', [path.join(root, 'scripts/undercloud/env.mjs'), '--clouds-yaml', cloudsYaml], { stdio: ['ignore', 'ignore', 'inherit'] });
execFileSync('node', [path.join(root, 'scripts/undercloud/env.mjs'), '--clouds-yaml', cloudsYaml, '--cloud', 'undercloud-badpass'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, UC_ADMIN_PASSWORD: 'not-the-password-123' } });
// The OS_* variables of the undercloud too, so that the "environment" profile can be tested; the
// tests, not the extension's start, decide when to connect.
const osVars = execFileSync('node', [path.join(root, 'scripts/undercloud/env.mjs')], { encoding: 'utf8' })
  .split('\n')
  .map((l) => /^export (OS_\w+)='([^' ]*)'$/.exec(l))
  .filter(Boolean)
  .map((m) => `${m[1]}=${m[2]}`);
const settings = path.join(root, 'test-results/exthost/settings.json');
fs.writeFileSync(settings, JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(root, 'scripts/vscode/settings.json'), 'utf8')), 'tripleo.connectOnStartup': false }, null, 2));
const env = { ...process.env, USER_SETTINGS: settings, CODE_SERVER_ENV: [`OS_CLIENT_CONFIG_FILE=${cloudsYaml}`, ...osVars].join(' ') };
for (const k of Object.keys(env)) if (k.startsWith('OS_')) delete env[k];
execFileSync('bash', [path.join(root, 'scripts/vscode/start.sh'), run, args.port], { stdio: 'inherit', env });

let code = 2;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (/^(https?|wss?):$/.test(u.protocol) && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return route.abort('blockedbyclient');
    return route.continue();
  });
  const page = await context.newPage();
  const finished = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (c) => resolve(Number(c))));
  // mocha's output in the extension host reaches us here, printf-style, among the workbench's own log
  const noise = /^(Resolv|Creating a socket|Ignoring fetching|\[Service Worker\]|ChatSessionStore|Creation of workbench contribution|Updating additional builtin)/;
  await page.exposeFunction('codeAutomationLog', (_type, a) => {
    const line = format(...a);
    if (process.env.EXTHOST_VERBOSE || !noise.test(line)) console.log(line);
  });
  page.on('console', (m) => {
    // extension host console output arrives as "%c[Extension Host] %c<text> color: blue color: "
    const t = m.text().match(/^%c\[Extension Host\] %c([\s\S]*?) color: blue color: $/);
    if (t) console.log(t[1]);
  });
  const payload = [
    ['extensionDevelopmentPath', remote(path.resolve(args.extension))],
    ['extensionTestsPath', remote(path.resolve(args.tests))],
  ];
  await page.goto(`http://${host}/?folder=${encodeURIComponent(args.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), Number(args.timeout) * 1000));
  const result = await Promise.race([finished, timeout]);
  if (result === 'timeout') {
    console.error(`extension host tests did not finish within ${args.timeout} s`);
    await page.screenshot({ path: path.join(root, 'test-results/exthost/timeout.png') }).catch(() => {});
    console.log('0 passed, 1 failed');
  } else code = result;
} catch (e) {
  console.error('extension host test harness failed:', e);
  console.log('0 passed, 1 failed');
} finally {
  await browser.close();
  execFileSync('bash', [path.join(root, 'scripts/vscode/stop.sh'), run], { stdio: 'inherit' });
}
process.exit(code);
