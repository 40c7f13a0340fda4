import type { ParsedYaml } from './yamlDocument';
import { keyName } from './yamlDocument';

export type FileKind = 'heat-template' | 'environment' | 'capabilities-map' | 'roles-data' | 'plan-environment' | 'other';

/** Top-level sections Heat accepts in an environment file. */
export const ENVIRONMENT_SECTIONS = [
  'parameters',
  'parameter_defaults',
  'resource_registry',
  'event_sinks',
  'encrypted_param_names',
  'parameter_merge_strategies',
] as const;

/** Recognises what a YAML file is from its content (names vary too much to trust them). */
export function detectFileKind(uri: string, parsed: ParsedYaml): FileKind {
  const keys = new Set(parsed.topLevel.map(keyName).filter((k): k is string => !!k));
  const base =
    uri
      .replace(/[?#].*$/, '')
      .split('/')
      .pop() ?? '';
  if (keys.has('heat_template_version')) return 'heat-template';
  if (keys.has('topics') && (keys.has('root_template') || keys.has('root_environment') || base.startsWith('capabilities-map'))) return 'capabilities-map';
  if (base === 'plan-environment.yaml' || (keys.has('template') && keys.has('environments') && keys.has('name'))) return 'plan-environment';
  const contents = parsed.doc.contents as { items?: unknown[] } | null;
  if (/^roles_data.*\.ya?ml$/.test(base) && Array.isArray(contents?.items)) return 'roles-data';
  if (keys.size && [...keys].some((k) => (ENVIRONMENT_SECTIONS as readonly string[]).includes(k))) return 'environment';
  return 'other';
}

/** Jinja templates are rendered before Heat sees them: their YAML may not parse as it stands. */
export function isJinjaTemplate(uri: string): boolean {
  return /\.j2\.ya?ml$/.test(uri);
}
