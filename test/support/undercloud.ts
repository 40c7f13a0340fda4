import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ConnectionProfile, profileFromEnv } from '../../src/openstack/cloudConfig';
import { deletePlan } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { HttpClient, silentLogger } from '../../src/openstack/http';
import { KeystoneSession } from '../../src/openstack/keystone';

export const ROOT = path.resolve(__dirname, '../../..');

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
export async function simulateRamdisk(uc: Undercloud, mac: string, facts: { cpus: number; memoryMb: number; diskBytes: number; serial?: string }): Promise<void> {
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
