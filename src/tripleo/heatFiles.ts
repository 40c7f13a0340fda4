import { isMap, isPair, isScalar, visit, type Document } from 'yaml';
import { heatValue, parseHeatYaml } from './heatYaml';
import { normalizePath } from './capabilitiesMap';
import { PlanError } from './errors';
import { isJinjaSource } from './templateRendering';

/** A plan's files by their path in the plan. */
export type PlanFiles = Record<string, string>;

export interface HeatTemplateRequest {
  template: string;
  files: PlanFiles;
  environment_files: string[];
}

const TEMPLATE_FILE = /\.(ya?ml|template)$/;

function dirOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i + 1);
}

/** A plan file read as Heat reads it; a PlanError with file and line where Heat would refuse it. */
function parse(name: string, text: string): Document.Parsed {
  const { doc, errors } = parseHeatYaml(text);
  if (errors.length) throw new PlanError('invalid-yaml', `${name}:${errors[0].line}:${errors[0].col}: ${errors[0].message}`);
  return doc;
}

/** The value of a plan file as Heat loads it; a PlanError with file and line where Heat would refuse it. */
export function loadPlanYaml(name: string, text: string): unknown {
  const doc = parse(name, text);
  return heatValue(doc.contents, doc);
}

/**
 * Rewrites file references (nested template types, resource_registry targets) relative to the
 * file that names them into paths from the plan's root. Heat looks them up literally in `files`,
 * so `../network/x.yaml` in `environments/a.yaml` must become `network/x.yaml`.
 */
export function rewriteFileReferences(name: string, text: string): string {
  const doc = parse(name, text);
  const base = dirOf(name);
  let changed = false;
  const fix = (value: unknown): string | undefined => {
    if (typeof value !== 'string' || value.includes('::') || !TEMPLATE_FILE.test(value) || /^[a-z]+:\/\//.test(value)) return undefined;
    const fixed = normalizePath(base + value);
    return fixed === value ? undefined : fixed;
  };
  visit(doc, {
    Pair(_, pair, path) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      const key = String(pair.key.value);
      const parentPair = [...path].reverse().find(isPair);
      const inRegistry = path.some((n) => isPair(n) && isScalar(n.key) && n.key.value === 'resource_registry');
      // `type: x.yaml` of a resource (or of a ResourceGroup's resource_def), or any registry mapping
      if (key === 'get_file') {
        const v = String(pair.value.value);
        const f = /^[a-z]+:\/\//.test(v) ? v : normalizePath(base + v);
        if (f !== v) {
          pair.value.value = f;
          changed = true;
        }
        return;
      }
      if (key === 'type' || (inRegistry && parentPair !== undefined && !['hooks', 'restricted_actions'].includes(key))) {
        const f = fix(pair.value.value);
        if (f !== undefined) {
          pair.value.value = f;
          changed = true;
        }
      }
    },
  });
  return changed ? doc.toString({ lineWidth: 0 }) : text;
}

/**
 * What Heat's validate and stack create/update take: the root template, every file, and the
 * environment files in order (later wins), each with its references made plan-absolute.
 */
export function heatTemplateRequest(
  files: PlanFiles,
  rootTemplate: string,
  environments: string[],
  extra: { name: string; content: unknown }[] = [],
): HeatTemplateRequest {
  const root = normalizePath(rootTemplate);
  if (files[root] === undefined) throw new PlanError('missing-file', `the root template ${root} is not in the plan`);
  const out: PlanFiles = {};
  for (const [name, text] of Object.entries(files)) {
    // Jinja sources are not YAML until rendered, and Heat only reads what they were rendered to
    if (isJinjaSource(name)) continue;
    out[name] = TEMPLATE_FILE.test(name) && !name.startsWith('.tripleo/') ? rewriteFileReferences(name, text) : text;
  }
  const envs = environments.map(normalizePath);
  for (const e of envs) if (out[e] === undefined) throw new PlanError('missing-file', `the selected environment ${e} is not in the plan`);
  for (const x of extra) {
    out[x.name] = typeof x.content === 'string' ? x.content : JSON.stringify(x.content);
    envs.push(x.name);
  }
  return { template: out[root], files: out, environment_files: envs };
}

/** Role names: roles_data.yaml (Pike and later), else the root template's ResourceGroups. */
export function listRoles(files: PlanFiles, rootTemplate: string): { name: string; description?: string; countDefault?: number; source: string }[] {
  const rolesData = files['roles_data.yaml'];
  if (rolesData !== undefined) {
    const roles = loadPlanYaml('roles_data.yaml', rolesData);
    if (!Array.isArray(roles)) throw new PlanError('invalid-roles-data', 'roles_data.yaml must be a list of roles');
    return roles.map((r: Record<string, unknown>, i) => {
      if (!r || typeof r.name !== 'string') throw new PlanError('invalid-roles-data', `role ${i + 1} of roles_data.yaml has no name`);
      return {
        name: r.name,
        description: typeof r.description === 'string' ? r.description.trim() : undefined,
        countDefault: typeof r.CountDefault === 'number' ? r.CountDefault : undefined,
        source: 'roles_data.yaml',
      };
    });
  }
  const root = parse(rootTemplate, files[rootTemplate] ?? '').contents;
  const resources = isMap(root) ? root.get('resources', true) : undefined;
  if (!isMap(resources)) return [];
  return resources.items
    .filter((p) => isMap(p.value) && p.value.get('type') === 'OS::Heat::ResourceGroup' && isScalar(p.key))
    .map((p) => ({ name: String((p.key as { value: unknown }).value), source: rootTemplate }));
}
