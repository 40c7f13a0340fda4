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
