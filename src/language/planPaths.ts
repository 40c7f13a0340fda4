import { normalizePath } from '../tripleo/capabilitiesMap';

/** The folder part of a plan path, with its trailing slash ('' at the plan's top). */
export function folderOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
}

/** Where TripleO installs the templates: CI and operators' environments name them from there, and tripleoclient mapped it to the plan's root. */
export const DEFAULT_TEMPLATE_PREFIXES: readonly string[] = ['/usr/share/openstack-tripleo-heat-templates/'];

/** The plan path a file reference means, from the folder `base` of the file that writes it. */
export function resolvePlanPath(target: string, base: string, prefixes: readonly string[] = DEFAULT_TEMPLATE_PREFIXES): string {
  for (const prefix of prefixes) {
    const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
    if (target.startsWith(folder)) return normalizePath(target.slice(folder.length));
  }
  return normalizePath(base + target);
}
