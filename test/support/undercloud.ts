import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ConnectionProfile, profileFromEnv } from '../../src/openstack/cloudConfig';

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
