import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { MistralClient } from '../openstack/mistral';

export interface BundledWorkbook {
  name: string;
  version: number;
  definition: string;
}

export type InstallAction = 'installed' | 'upgraded' | 'current' | 'newer-installed';

const VERSION_TAG = /^workbook-version:(\d+)$/;

function versionOf(tags: unknown): number {
  for (const t of Array.isArray(tags) ? tags : []) {
    const m = VERSION_TAG.exec(String(t));
    if (m) return Number(m[1]);
  }
  return 0;
}

/** The workbooks this version of the project ships (dist/workbooks or beside this module). */
export function bundledWorkbooks(dir = path.join(__dirname, 'workbooks')): BundledWorkbook[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const definition = fs.readFileSync(path.join(dir, f), 'utf8');
      const doc = parse(definition) as { name: string; tags?: string[] };
      return { name: doc.name, version: versionOf(doc.tags), definition };
    });
}

/**
 * Installs our workbooks into Mistral: a missing or older copy is replaced, the same version is
 * left as it is, and a newer one (installed by a newer client) is left alone.
 */
export async function installWorkbooks(
  mistral: MistralClient,
  workbooks = bundledWorkbooks(),
  signal?: AbortSignal,
): Promise<{ name: string; action: InstallAction; installedVersion: number }[]> {
  const out: { name: string; action: InstallAction; installedVersion: number }[] = [];
  for (const wb of workbooks) {
    const installed = await mistral.getWorkbook(wb.name, signal);
    const have = installed ? versionOf(installed.tags) : -1;
    let action: InstallAction;
    // the same version with other content is a development copy: replace it
    if (have === wb.version && installed?.definition === wb.definition) action = 'current';
    else if (have > wb.version) action = 'newer-installed';
    else {
      if (installed) await mistral.updateWorkbook(wb.definition, signal);
      else await mistral.createWorkbook(wb.definition, signal);
      action = installed ? 'upgraded' : 'installed';
    }
    out.push({ name: wb.name, action, installedVersion: Math.max(have, 0) });
  }
  return out;
}

const ensured = new WeakMap<MistralClient, Promise<Awaited<ReturnType<typeof installWorkbooks>>>>();

/**
 * installWorkbooks once per connection: every plan operation needs the workbooks, none needs
 * them checked again. A failed attempt is forgotten so that the next call tries again.
 */
export function ensureWorkbooks(mistral: MistralClient): ReturnType<typeof installWorkbooks> {
  let p = ensured.get(mistral);
  if (!p) {
    p = installWorkbooks(mistral).catch((e) => {
      ensured.delete(mistral);
      throw e;
    });
    ensured.set(mistral, p);
  }
  return p;
}
