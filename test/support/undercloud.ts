import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ConnectionProfile, profileFromEnv } from '../../src/openstack/cloudConfig';
import { createPlan, deletePlan, updatePlanCapabilities } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { HttpClient, silentLogger } from '../../src/openstack/http';
import { KeystoneSession } from '../../src/openstack/keystone';

export const ROOT = path.resolve(__dirname, '../../..');
const execFileAsync = promisify(execFile);

/** The local undercloud's admin profile, read from `npm run -s undercloud:env` like a user would. */
export function undercloudProfile(): ConnectionProfile {
  const out = execFileSync('node', [path.join(ROOT, 'scripts/undercloud/env.mjs')], { encoding: 'utf8' });
  const env: Record<string, string> = {};
  for (const m of out.matchAll(/^export (\w+)='(.*)'$/gm)) env[m[1]] = m[2];
  const p = profileFromEnv(env);
  if (!p) throw new Error('undercloud:env printed no OS_AUTH_URL');
  return p;
}

/** A name no other test run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * A session of its own on the undercloud that records every request it sends ("heat GET /url"),
 * so that a test can see how many requests a call took. Dispose `http` when done.
 */
export function recordingSession(): { session: KeystoneSession; http: HttpClient; requests: string[] } {
  const requests: string[] = [];
  const logger = { ...silentLogger, debug: (m: string) => void requests.push(m.replace(/ -> .*$/, '')) };
  const http = new HttpClient({ logger });
  return { session: new KeystoneSession(http, undercloudProfile().auth), http, requests };
}

/** Deletes a plan's stack (waiting for it) and then the plan; what is already gone is not an error. */
export async function removeStackAndPlan(plan: string): Promise<void> {
  const uc = new Undercloud(undercloudProfile());
  try {
    const deleting = await uc.heat.deleteStack(plan).catch(() => undefined);
    if (deleting) await uc.heat.waitForStack(deleting, { timeoutMs: 120_000 }).catch(() => undefined);
    await deletePlan(uc, plan).catch(() => undefined);
  } finally {
    uc.dispose();
  }
}

/**
 * What the IPA ramdisk on a machine would post to ironic-inspector once introspection waits for
 * it: the inventory, no credentials. The only part of introspection that is not the real service.
 */
export async function simulateRamdisk(
  uc: Undercloud,
  mac: string,
  facts: { cpus: number; memoryMb: number; diskBytes: number; serial?: string },
): Promise<void> {
  const endpoint = await uc.session.endpoint('baremetal-introspection');
  await uc.http.request({
    service: 'ironic-inspector',
    method: 'POST',
    url: `${endpoint}/v1/continue`,
    body: {
      inventory: {
        interfaces: [{ name: 'eth0', mac_address: mac, has_carrier: true }],
        cpu: { count: facts.cpus, architecture: 'x86_64' },
        memory: { physical_mb: facts.memoryMb, total: facts.memoryMb * 1024 * 1024 },
        disks: [{ name: '/dev/sda', model: 'QEMU', size: facts.diskBytes, rotational: false }],
        bmc_address: '',
        system_vendor: { manufacturer: 'test', product_name: 'vm', serial_number: facts.serial ?? mac },
      },
      root_disk: { name: '/dev/sda', size: facts.diskBytes },
      boot_interface: mac,
      error: null,
    },
  });
}

/** Waits until ironic-inspector waits for the node's ramdisk. */
export async function waitForInspectorWaiting(uc: Undercloud, node: string): Promise<void> {
  for (let i = 0; i < 120 && (await uc.inspector.status(node))?.state !== 'waiting'; i++) await new Promise((r) => setTimeout(r, 500));
}

export const SAMPLE_PLAN = path.join(ROOT, 'samples/overcloud-lite');

/**
 * The fixture integration suites share: a connection to the undercloud and a plan made from a
 * folder (the sample unless told) with environments selected, before the suite; the plan and any
 * stack of it removed after it. `prepare` runs once the plan exists (a deploy, say).
 */
export function planFixture(
  prefix: string,
  opts: { folder?: string; environments?: Record<string, boolean>; prepare?: (uc: Undercloud, plan: string) => Promise<unknown> } = {},
): { readonly uc: Undercloud; readonly plan: string } {
  const fixture = { uc: undefined as unknown as Undercloud, plan: uniqueName(prefix) };
  before(async () => {
    fixture.uc = new Undercloud(undercloudProfile());
    await createPlan(fixture.uc, fixture.plan, opts.folder ?? SAMPLE_PLAN);
    if (opts.environments) await updatePlanCapabilities(fixture.uc, fixture.plan, opts.environments);
    await opts.prepare?.(fixture.uc, fixture.plan);
  });
  after(async () => {
    await removeStackAndPlan(fixture.plan);
    fixture.uc?.dispose();
  });
  return fixture;
}

/** The environment a user of the CLI has: the undercloud's admin credentials in OS_* variables. */
export function cliEnv(): NodeJS.ProcessEnv {
  const p = undercloudProfile();
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OS_AUTH_URL: p.auth.authUrl,
    OS_USERNAME: p.auth.username,
    OS_PASSWORD: p.auth.password,
    OS_PROJECT_NAME: p.auth.projectName,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
  };
}

/** The `tripleo` CLI of dist/ run with the undercloud's credentials in its environment, as a user would. */
export function tripleoCli(): (...args: string[]) => Promise<{ stdout: string; stderr: string }> {
  let env: NodeJS.ProcessEnv | undefined;
  return (...args) => {
    env ??= cliEnv();
    return execFileAsync('node', [path.join(ROOT, 'dist/cli.js'), ...args], { env });
  };
}
