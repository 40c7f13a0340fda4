import { isMap, isScalar, type Node } from 'yaml';
import { parseYaml } from './yamlDocument';
import { allEnvironments, CapabilitiesMap, normalizePath, readCapabilitiesMap } from '../tripleo/capabilitiesMap';

export interface ParameterDefinition {
  name: string;
  /** plan-relative path of the template that declares it */
  template: string;
  /** where the name is declared in the template: zero-based line and column */
  line: number;
  character: number;
  type: string;
  default?: unknown;
  description?: string;
  label?: string;
  hidden: boolean;
  constraints: { allowedValues?: unknown[]; range?: { min?: number; max?: number }; length?: { min?: number; max?: number }; allowedPattern?: string; description?: string }[];
}

/** What the language service knows of one plan folder: every template's parameters and its files. */
export interface PlanIndex {
  /** folder URI without trailing slash */
  root: string;
  files: Set<string>;
  parameters: Map<string, ParameterDefinition[]>;
  /** environment files the capabilities map lists, and its root environment */
  mapped: Set<string>;
  /** the map's entries by file: title and description for hovers */
  mapEntries: Map<string, { title: string; description?: string }>;
  map?: CapabilitiesMap;
  /** the selection of the local plan-environment.yaml, when there is one */
  selection?: string[];
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** Parameters declared by a Heat template's text. */
export function templateParameters(template: string, text: string): ParameterDefinition[] {
  const parsed = parseYaml(text);
  const root = parsed.doc.contents;
  if (!isMap(root) || !root.has('heat_template_version')) return [];
  const params = root.get('parameters', true);
  if (!isMap(params)) return [];
  const out: ParameterDefinition[] = [];
  for (const pair of params.items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    const p = (pair.value as Node).toJSON() as Record<string, unknown>;
    const constraints = (Array.isArray(p.constraints) ? p.constraints : []).map((c: Record<string, unknown>) => {
      const r = (c.range ?? undefined) as Record<string, unknown> | undefined;
      const l = (c.length ?? undefined) as Record<string, unknown> | undefined;
      return {
        allowedValues: Array.isArray(c.allowed_values) ? c.allowed_values : undefined,
        range: r ? { min: num(r.min), max: num(r.max) } : undefined,
        length: l ? { min: num(l.min), max: num(l.max) } : undefined,
        allowedPattern: typeof c.allowed_pattern === 'string' ? c.allowed_pattern : undefined,
        description: typeof c.description === 'string' ? c.description : undefined,
      };
    });
    out.push({
      name: String(pair.key.value),
      template,
      ...position(parsed.lineCounter.linePos((pair.key as { range: [number, number, number] }).range[0])),
      type: String(p.type ?? 'string'),
      default: p.default,
      description: typeof p.description === 'string' ? p.description.trim() : undefined,
      label: typeof p.label === 'string' ? p.label : undefined,
      hidden: p.hidden === true,
      constraints,
    });
  }
  return out;
}

const position = (p: { line: number; col: number }) => ({ line: p.line - 1, character: p.col - 1 });

/** Builds the index of a plan folder from its files (path relative to the folder -> text). */
export function buildPlanIndex(root: string, files: Map<string, string>): PlanIndex {
  const parameters = new Map<string, ParameterDefinition[]>();
  for (const [path, text] of files) {
    if (!/\.ya?ml$/.test(path) || /\.j2\.ya?ml$/.test(path) || !text.includes('heat_template_version')) continue;
    for (const p of templateParameters(path, text)) parameters.set(p.name, [...(parameters.get(p.name) ?? []), p]);
  }
  const mapped = new Set<string>();
  const mapEntries = new Map<string, { title: string; description?: string }>();
  const mapText = files.get('capabilities-map.yaml');
  let map: CapabilitiesMap | undefined;
  if (mapText) {
    map = readCapabilitiesMap(mapText).map;
    for (const { env } of allEnvironments(map)) {
      mapped.add(env.file);
      mapEntries.set(env.file, { title: env.title, description: env.description });
    }
    if (map.rootEnvironment) mapped.add(normalizePath(map.rootEnvironment));
  }
  let selection: string[] | undefined;
  const planEnv = files.get('plan-environment.yaml');
  if (planEnv) {
    const v = parseYaml(planEnv).doc.toJS() as { environments?: { path?: unknown }[] } | null;
    if (Array.isArray(v?.environments)) selection = v!.environments.map((e) => e?.path).filter((p): p is string => typeof p === 'string').map(normalizePath);
  }
  return { root: root.replace(/\/+$/, ''), files: new Set(files.keys()), parameters, mapped, mapEntries, map, selection };
}

/** Why a value does not fit a parameter definition, or undefined when it does (Heat's rules). */
export function valueProblem(def: ParameterDefinition, value: unknown): string | undefined {
  const t = def.type.toLowerCase();
  if (value === null || value === undefined) return undefined;
  if (t === 'number') {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value)) ? Number(value) : undefined;
    if (n === undefined) return `${def.name} is a number, not ${JSON.stringify(value)}`;
    for (const c of def.constraints) {
      if (c.range && ((c.range.min !== undefined && n < c.range.min) || (c.range.max !== undefined && n > c.range.max))) return c.description ?? `${def.name} must be between ${c.range.min ?? '-∞'} and ${c.range.max ?? '∞'}`;
      if (c.allowedValues && !c.allowedValues.some((a) => Number(a) === n)) return c.description ?? `${def.name} must be one of ${c.allowedValues.join(', ')}`;
    }
    return undefined;
  }
  if (t === 'boolean') {
    const ok = typeof value === 'boolean' || (typeof value === 'string' && /^(true|false|yes|no|on|off|t|f|y|n|1|0)$/i.test(value)) || value === 0 || value === 1;
    return ok ? undefined : `${def.name} is a boolean, not ${JSON.stringify(value)}`;
  }
  if (t === 'json') return typeof value === 'object' || typeof value === 'string' ? undefined : `${def.name} is json (a mapping or a list), not ${JSON.stringify(value)}`;
  if (t === 'comma_delimited_list') {
    const ok = Array.isArray(value) || typeof value === 'string';
    if (!ok) return `${def.name} is a comma_delimited_list, not ${JSON.stringify(value)}`;
    const items = Array.isArray(value) ? value.map(String) : String(value).split(',').map((s) => s.trim());
    for (const c of def.constraints) if (c.allowedValues) for (const i of items) if (!c.allowedValues.map(String).includes(i)) return c.description ?? `${i} is not one of ${c.allowedValues.join(', ')}`;
    return undefined;
  }
  // string
  if (typeof value === 'object') return `${def.name} is a string, not a ${Array.isArray(value) ? 'list' : 'mapping'}`;
  const s = String(value);
  for (const c of def.constraints) {
    if (c.allowedValues && !c.allowedValues.map(String).includes(s)) return c.description ?? `${def.name} must be one of ${c.allowedValues.join(', ')}`;
    if (c.length && ((c.length.min !== undefined && s.length < c.length.min) || (c.length.max !== undefined && s.length > c.length.max))) return c.description ?? `${def.name} must be ${c.length.min ?? 0} to ${c.length.max ?? '∞'} characters long`;
    if (c.allowedPattern !== undefined && !fullMatch(c.allowedPattern, s)) return c.description ?? `${def.name} must match ${c.allowedPattern}`;
  }
  return undefined;
}

/** Heat's rule: Python's re.match from the start, and the match must reach the end of the value. */
export function fullMatch(pattern: string, value: string): boolean {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})`);
  } catch {
    return true;
  }
  const m = re.exec(value);
  return !!m && m[0].length === value.length;
}
