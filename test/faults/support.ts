import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliEnv, ROOT } from '../support/undercloud';

/** Where scripts/undercloud keeps each daemon's pid (it is the leader of the daemon's process group). */
const RUN = path.join(process.env.UC_DIR ?? '/var/tmp/tripleo-undercloud', 'run');
const SCRIPTS = path.join(ROOT, 'scripts/undercloud');

export type Daemon = 'swift-proxy' | 'mistral' | 'heat' | 'keystone';
/** The start.sh service that brings a daemon back. */
const SERVICE: Record<Daemon, string> = { 'swift-proxy': 'swift', mistral: 'mistral', heat: 'heat', keystone: 'keystone' };

export function daemonPid(daemon: Daemon): number {
  return Number(fs.readFileSync(path.join(RUN, `${daemon}.pid`), 'utf8').trim());
}

/** Sends a signal to the daemon's whole process group (its workers too), by its own pid. */
export function signalDaemon(daemon: Daemon, signal: NodeJS.Signals): void {
  const pid = daemonPid(daemon);
  try {
    process.kill(-pid, signal);
  } catch {
    process.kill(pid, signal);
  }
}

export function undercloudHealthy(): boolean {
  try {
    execFileSync('bash', [path.join(SCRIPTS, 'status.sh')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Brings a killed or stopped daemon back (start.sh starts only what is not running) and waits until
 * status.sh says the whole undercloud is up. Every fault test calls it in `finally`/`after`.
 */
export async function restoreDaemon(daemon: Daemon): Promise<void> {
  try {
    signalDaemon(daemon, 'SIGCONT');
  } catch {
    /* not running */
  }
  for (let i = 0; i < 240 && !undercloudHealthy(); i++) {
    if (i % 20 === 0) {
      await new Promise<void>((resolve) =>
        execFile('bash', [path.join(SCRIPTS, 'start.sh')], { env: { ...process.env, UC_SERVICES: SERVICE[daemon] } }, () => resolve()),
      );
    }
    await sleep(500);
  }
  if (!undercloudHealthy()) throw new Error(`the undercloud did not come back after ${daemon} was restored`);
}

/** Kills a daemon, runs fn, and always brings the daemon back. */
export async function withDaemonKilled<T>(daemon: Daemon, fn: () => Promise<T>): Promise<T> {
  signalDaemon(daemon, 'SIGKILL');
  try {
    return await fn();
  } finally {
    await restoreDaemon(daemon);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `tripleo ...` as its own process (so that a test can SIGKILL it). */
export function startCli(...args: string[]): CliRun {
  const child = spawn('node', [path.join(ROOT, 'dist/cli.js'), ...args], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export function cli(...args: string[]) {
  return startCli(...args).done;
}

/**
 * A plan folder: the sample plan plus `extra` generated files whose content carries `tag`, so that
 * two folders differ in every extra file and a mix of both is visible.
 */
export function planFolder(parent: string, tag: string, extra: number, bytesEach = 200): string {
  const dir = fs.mkdtempSync(path.join(parent, `${tag}-`));
  fs.cpSync(path.join(ROOT, 'samples/overcloud-lite'), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'extra'));
  for (let i = 0; i < extra; i++) {
    fs.writeFileSync(
      path.join(dir, 'extra', `f${String(i).padStart(4, '0')}.yaml`),
      `# ${tag} ${i}\nvalue: "${tag.repeat(Math.ceil(bytesEach / tag.length)).slice(0, bytesEach)}"\n`,
    );
  }
  return dir;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tripleo-faults-${prefix}-`));
}
