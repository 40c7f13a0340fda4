import { createHash } from 'node:crypto';
import { HttpError } from '../openstack/errors';
import type { HeatNestedParameters, HeatParameterInfo, HeatValidation, StackSource } from '../openstack/heat';
import { closestName } from './names';
import { normalizePath } from './capabilitiesMap';
import { mapLimit } from './concurrency';
import { ParameterError, PlanError } from './errors';
import { heatTemplateRequest, loadPlanYaml, PlanFiles } from './heatFiles';
import { RESERVED_PREFIX } from './localPlan';
import { PlanData, requirePlanData, selectedPaths, writePlanData } from './planData';
import { ensurePlanSettled, withPlanLock } from './planLock';
import type { Undercloud } from './undercloud';

export interface ParameterConstraints {
  allowedValues?: unknown[];
  allowedPattern?: string;
  minValue?: number;
  maxValue?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
}

export interface PlanParameter {
  name: string;
  type: string;
  description?: string;
  label?: string;
  default?: unknown;
  noEcho: boolean;
  constraints: ParameterConstraints;
  /** templates that declare it, root first */
  definedIn: string[];
  /** the value the plan deploys with, and where it comes from */
  value?: unknown;
  valueSource: 'plan' | 'environment' | 'default' | 'none';
}

export interface PlanParameters {
  revision: string;
  parameters: PlanParameter[];
  groups: { label?: string; description?: string; parameters: string[] }[];
}

/** File contents by container, name and MD5: a re-read of an unchanged plan costs one listing. */
const fileCache = new Map<string, string>();
/** Heat's validation by plan revision: the slowest call of the old GUI. */
const validationCache = new Map<string, PlanParameters>();

export async function readPlanFiles(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<{ files: PlanFiles; revisionOfFiles: string }> {
  const listing = (await uc.swift.listObjects(plan, { signal })).filter((o) => !o.name.startsWith(RESERVED_PREFIX));
  const files: PlanFiles = {};
  await mapLimit(listing, 16, async (o) => {
    const key = `${plan}\n${o.name}\n${o.hash}`;
    let text = fileCache.get(key);
    if (text === undefined) {
      text = await uc.swift.getObjectText(plan, o.name, signal);
      if (fileCache.size > 5000) fileCache.clear();
      fileCache.set(key, text);
    }
    files[o.name] = text;
  });
  const revisionOfFiles = createHash('sha1')
    .update(
      listing
        .map((o) => `${o.name}:${o.hash}`)
        .sort()
        .join('\n'),
    )
    .digest('hex');
  return { files, revisionOfFiles };
}

const PASSWORDS_ENV = `${RESERVED_PREFIX}passwords.yaml`;
const USER_ENV = `${RESERVED_PREFIX}user-parameters.yaml`;

/** The request Heat needs for a plan: selected environments in order, then passwords, then the user's values. */
export function planHeatRequest(files: PlanFiles, data: PlanData, parameterDefaults = data.parameter_defaults) {
  const inline = data.environments.flatMap((e, i) => ('data' in e ? [{ name: `${RESERVED_PREFIX}inline-${i}.yaml`, content: e.data }] : []));
  return heatTemplateRequest(files, data.template, selectedPaths(data), [
    ...inline,
    { name: PASSWORDS_ENV, content: { parameter_defaults: data.passwords ?? {} } },
    { name: USER_ENV, content: { parameter_defaults: parameterDefaults } },
  ]);
}

/** resource_registry of the selected environments merged in order: type -> template. */
function mergedRegistry(files: PlanFiles, data: PlanData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of selectedPaths(data)) {
    const env = loadPlanYaml(p, files[p] ?? '') as { resource_registry?: Record<string, unknown> } | null;
    const base = p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '';
    for (const [type, target] of Object.entries(env?.resource_registry ?? {})) {
      if (typeof target === 'string') out[type] = /\.ya?ml$/.test(target) ? normalizePath(base + target) : target;
    }
  }
  return out;
}

/** parameter_defaults of the selected environments merged in order (later wins). */
export function environmentValues(files: PlanFiles, data: PlanData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of data.environments) {
    const env =
      'data' in e
        ? (e.data as { parameter_defaults?: Record<string, unknown> })
        : (loadPlanYaml(e.path, files[e.path] ?? '') as { parameter_defaults?: Record<string, unknown> } | null);
    Object.assign(out, env?.parameter_defaults ?? {});
  }
  return out;
}

const bool = (v: unknown) => v === true || v === 'true' || v === 'True';

function toParameter(name: string, p: HeatParameterInfo, template: string): PlanParameter {
  const c: ParameterConstraints = {};
  if (p.AllowedValues) c.allowedValues = p.AllowedValues;
  if (p.AllowedPattern !== undefined) c.allowedPattern = p.AllowedPattern;
  if (p.MinValue !== undefined) c.minValue = p.MinValue;
  if (p.MaxValue !== undefined) c.maxValue = p.MaxValue;
  if (p.MinLength !== undefined) c.minLength = p.MinLength;
  if (p.MaxLength !== undefined) c.maxLength = p.MaxLength;
  if (p.ConstraintDescription) c.description = p.ConstraintDescription;
  return {
    name,
    type: p.Type,
    description: p.Description?.trim() || undefined,
    // Heat answers the parameter's name when it has no label
    label: p.Label && p.Label !== name ? p.Label : undefined,
    default: p.Default,
    noEcho: bool(p.NoEcho),
    constraints: c,
    definedIn: [template],
    valueSource: 'none',
  };
}

/**
 * Every parameter of the plan (root and nested templates), with type, default, description,
 * constraints, NoEcho, the templates that define it, and the value the plan deploys with.
 * Heat validates the merged templates; its answer is cached per plan revision.
 */
export async function getPlanParameters(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<PlanParameters> {
  const data = await requirePlanData(uc.mistral, plan, signal);
  await ensurePlanSettled(uc.swift, plan, { signal });
  const { files, revisionOfFiles } = await readPlanFiles(uc, plan, signal);
  const revision = createHash('sha1').update(revisionOfFiles).update(JSON.stringify(data)).digest('hex');
  const cached = validationCache.get(`${plan}\n${revision}`);
  if (cached) return cached;
  const validation = await heatValidate(uc, planHeatRequest(files, data), signal);
  const registry = mergedRegistry(files, data);
  const byName = new Map<string, PlanParameter>();
  const add = (params: Record<string, HeatParameterInfo> | undefined, template: string) => {
    for (const [name, p] of Object.entries(params ?? {})) {
      const have = byName.get(name);
      if (!have) byName.set(name, toParameter(name, p, template));
      else if (!have.definedIn.includes(template)) have.definedIn.push(template);
    }
  };
  add(validation.Parameters, data.template);
  const walk = (nested: Record<string, HeatNestedParameters> | undefined) => {
    for (const n of Object.values(nested ?? {})) {
      const template = /\.ya?ml$/.test(n.Type) ? n.Type : registry[n.Type];
      if (template) add(n.Parameters, template);
      walk(n.NestedParameters);
    }
  };
  walk(validation.NestedParameters);
  const fromEnvironments = environmentValues(files, data);
  for (const p of byName.values()) {
    if (p.name in data.parameter_defaults) {
      p.value = data.parameter_defaults[p.name];
      p.valueSource = 'plan';
    } else if (p.name in fromEnvironments) {
      p.value = fromEnvironments[p.name];
      p.valueSource = 'environment';
    } else if (p.default !== undefined) {
      p.value = p.default;
      p.valueSource = 'default';
    }
  }
  const result: PlanParameters = {
    revision,
    parameters: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    groups: validation.ParameterGroups ?? [],
  };
  if (validationCache.size > 50) validationCache.clear();
  validationCache.set(`${plan}\n${revision}`, result);
  return result;
}

function stackSource(req: ReturnType<typeof planHeatRequest>): StackSource {
  return { template: req.template, files: req.files, environmentFiles: req.environment_files };
}

async function heatValidate(uc: Undercloud, req: ReturnType<typeof planHeatRequest>, signal?: AbortSignal): Promise<HeatValidation> {
  try {
    return await uc.heat.validate(stackSource(req), { showNested: true, signal });
  } catch (e) {
    if (e instanceof HttpError && e.status === 400) throw new PlanError('invalid-templates', `Heat rejected the plan's templates: ${e.serviceMessage}`);
    throw e;
  }
}

/**
 * The given parameters Heat's refusal is about: Heat names one as Parameter 'Name'
 * (heat/engine/parameters.py); a nested template's refusal names it in its property path.
 */
function refusedParameters(message: string, given: string[]): string[] {
  const named = new Set([...message.matchAll(/Parameter '([^']+)'/g)].map((m) => m[1]));
  const found = given.filter((k) => named.has(k));
  return found.length ? found : given.filter((k) => new RegExp(`\\b${k}\\b`).test(message));
}

/**
 * Sets parameter values (types kept as given). Unknown names are refused with a suggestion, and
 * Heat checks the values against every template's constraints before anything is saved, so a
 * refused update leaves the plan's previous values in place.
 */
export async function updatePlanParameters(
  uc: Undercloud,
  plan: string,
  values: Record<string, unknown>,
  opts: { signal?: AbortSignal; replace?: boolean } = {},
): Promise<{ changed: string[] }> {
  await requirePlanData(uc.mistral, plan, opts.signal);
  return withPlanLock(uc.swift, plan, 'parameters set', () => setParameters(uc, plan, values, opts), { signal: opts.signal });
}

async function setParameters(
  uc: Undercloud,
  plan: string,
  values: Record<string, unknown>,
  opts: { signal?: AbortSignal; replace?: boolean },
): Promise<{ changed: string[] }> {
  const current = await getPlanParameters(uc, plan, opts.signal);
  const known = current.parameters.map((p) => p.name);
  const unknown = Object.keys(values).filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new ParameterError(
      'unknown-parameters',
      `no template of plan "${plan}" has these parameters`,
      unknown,
      unknown.map((k) => {
        const near = closestName(k, known);
        return near ? `${k} (did you mean ${near}?)` : k;
      }),
    );
  }
  const data = await requirePlanData(uc.mistral, plan, opts.signal);
  const next = opts.replace ? { ...values } : { ...data.parameter_defaults, ...values };
  const { files } = await readPlanFiles(uc, plan, opts.signal);
  try {
    // validate does not check values; a preview does, in nested templates too, and creates nothing
    // (under another name: a preview named like a deployed stack is refused as existing)
    await uc.heat.previewStack(`${plan}-parameter-check`, stackSource(planHeatRequest(files, data, next)), opts.signal);
  } catch (e) {
    if (!(e instanceof HttpError && e.status === 400)) throw e;
    // A preview resolves resources against the services they belong to; the local undercloud's
    // catalog has network/volume entries without servers (real trees validate, but their previews
    // cannot reach Neutron): there the parameters' own constraints are checked here.
    const unreachable = /Unable to establish connection to|Failed to establish a new connection/.test(e.serviceMessage ?? '');
    if (!unreachable) {
      throw new ParameterError(
        'invalid-parameters',
        `Heat refused the values, nothing was changed: ${e.serviceMessage}`,
        refusedParameters(e.serviceMessage ?? '', Object.keys(values)),
      );
    }
    const problems = constraintProblems(current.parameters, values);
    if (problems.length) {
      throw new ParameterError(
        'invalid-parameters',
        `Heat refused the values, nothing was changed: ${problems.join('; ')}`,
        refusedParameters(problems.join('\n'), Object.keys(values)),
      );
    }
  }
  await writePlanData(uc.mistral, plan, { ...data, parameter_defaults: next }, opts.signal);
  const changed = Object.keys(next).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(data.parameter_defaults[k]));
  return { changed };
}

/** The values that break their parameter's type or constraints, as Heat words it. */
function constraintProblems(parameters: PlanParameter[], values: Record<string, unknown>): string[] {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const out: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const p = byName.get(name);
    if (!p) continue;
    const c = p.constraints;
    const bad = (why: string) => out.push(`Parameter '${name}' is invalid: ${c.description ?? why}`);
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (p.type === 'number' && Number.isNaN(n)) bad(`${JSON.stringify(value)} is not a number`);
    else if (p.type === 'number' && ((c.minValue !== undefined && n < c.minValue) || (c.maxValue !== undefined && n > c.maxValue))) bad(`${n} is out of range`);
    else if (c.allowedValues && !c.allowedValues.some((a) => String(a) === String(value))) bad(`${JSON.stringify(value)} is not an allowed value`);
    else if (p.type === 'string' && typeof value === 'string') {
      if ((c.minLength !== undefined && value.length < c.minLength) || (c.maxLength !== undefined && value.length > c.maxLength)) bad('length out of range');
      else if (c.allowedPattern !== undefined && patternRefuses(c.allowedPattern, value)) bad(`"${value}" does not match pattern "${c.allowedPattern}"`);
    }
  }
  return out;
}

/** Python's pattern syntax is mostly JavaScript's; one JavaScript cannot read refuses nothing. */
function patternRefuses(pattern: string, value: string): boolean {
  try {
    return !new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}
