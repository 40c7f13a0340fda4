import { parse, stringify } from 'yaml';
import { redactValue } from '../openstack/redact';
import { readHeatYaml } from './heatYaml';
import { normalizePath } from './capabilitiesMap';
import { RESERVED_PREFIX } from './localPlan';
import { environmentValues, readPlanFiles } from './parameters';
import { PlanData, requirePlanData, selectedPaths } from './planData';
import { unifiedDiff } from './textDiff';
import type { Undercloud } from './undercloud';

/**
 * Where the deploy workflow (tripleo.deployment.v1) leaves the list of environments it deployed
 * among the stack's files, so that the next diff can say which were added or removed.
 */
export const DEPLOYED_ENVIRONMENTS_FILE = `${RESERVED_PREFIX}environment-files.json`;

export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** the file as the stack was deployed from it (absent for an added file) */
  before?: string;
  /** the file as a deploy would send it (absent for a removed file) */
  after?: string;
}

export interface ParameterChange {
  name: string;
  /** the values with secrets masked; undefined where the side has no value */
  before?: unknown;
  after?: unknown;
  secret: boolean;
}

export interface DeployDiff {
  plan: string;
  /** the stack's status; undefined when there is no stack (a deploy creates it) */
  stackStatus?: string;
  files: FileChange[];
  /** selected environments added or removed since the last deploy; undefined when the stack does not say which it was deployed with */
  environments?: { added: string[]; removed: string[] };
  parameters: ParameterChange[];
  /** the number of changes a deploy would make */
  changes: number;
}

/** The plan's values in the order Heat applies them: selected environments, then passwords, then the plan's own values. */
function planValues(files: Record<string, string>, data: PlanData): Record<string, unknown> {
  return { ...environmentValues(files, data), ...data.passwords, ...data.parameter_defaults };
}

/**
 * An environment as the deploy workflow sends it: its resource_registry entries made
 * plan-absolute (Heat looks nested templates up literally in the files).
 */
function asDeployed(path: string, text: string): unknown {
  const doc = safeParse(text);
  if (!isRecord(doc) || !isRecord(doc.resource_registry)) return doc;
  const base = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  const registry = Object.fromEntries(
    Object.entries(doc.resource_registry).map(([k, v]) => [k, typeof v === 'string' && /\.ya?ml$/.test(v) && !v.includes('::') ? normalizePath(base + v) : v]),
  );
  return { ...doc, resource_registry: registry };
}

function safeParse(text: string): unknown {
  try {
    return parse(text, { version: '1.1' }) as unknown;
  } catch {
    return text;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** JSON with sorted keys: two documents are the same when this is. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    isRecord(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );
}

/**
 * What a deploy of the plan would change against what its stack was deployed from: files added,
 * removed and changed, selected environments added and removed, and parameter values changed
 * (secrets masked). A file the deploy workflow rewrites (an environment's registry paths) counts
 * as changed only when its content differs.
 */
export async function deployDiff(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<DeployDiff> {
  const data = await requirePlanData(uc.mistral, plan, signal);
  const { files } = await readPlanFiles(uc, plan, signal);
  const selected = selectedPaths(data).map(normalizePath);
  const after = planValues(files, data);
  const secrets = new Set([...Object.keys(data.passwords ?? {}), ...hiddenParameters(files)]);
  const stack = await uc.heat.getStack(plan, { signal });
  if (!stack) {
    const parameters = diffParameters({}, after, secrets);
    const added: FileChange[] = Object.keys(files)
      .filter((n) => !n.startsWith(RESERVED_PREFIX))
      .sort()
      .map((path) => ({ path, change: 'added', after: files[path] }));
    return { plan, files: added, environments: { added: selected, removed: [] }, parameters, changes: added.length + parameters.length };
  }
  const [env, stackFiles] = await Promise.all([uc.heat.getEnvironment(plan, signal), uc.heat.getFiles(plan, signal)]);
  const changes: FileChange[] = [];
  const names = new Set([...Object.keys(files), ...Object.keys(stackFiles)].filter((n) => !n.startsWith(RESERVED_PREFIX) && !n.startsWith('__')));
  for (const path of [...names].sort()) {
    const before = stackFiles[path];
    const next = files[path];
    if (before === undefined) changes.push({ path, change: 'added', after: next });
    else if (next === undefined) changes.push({ path, change: 'removed', before });
    else if (before !== next && canonical(safeParse(before)) !== canonical(asDeployed(path, next))) {
      // a file Heat got as JSON (the workflow rewrites environments) reads better as YAML
      const readable = before.trimStart().startsWith('{') && !next.trimStart().startsWith('{');
      changes.push({
        path,
        change: 'changed',
        before: readable ? stringify(safeParse(before)) : before,
        after: readable ? stringify(asDeployed(path, next)) : next,
      });
    }
  }
  const deployedEnvs = readDeployedEnvironments(stackFiles[DEPLOYED_ENVIRONMENTS_FILE]);
  const environments = deployedEnvs && {
    added: selected.filter((e) => !deployedEnvs.includes(e)),
    removed: deployedEnvs.filter((e) => !selected.includes(e)),
  };
  const parameters = diffParameters((env.parameter_defaults as Record<string, unknown>) ?? {}, after, secrets);
  const count = changes.length + parameters.length + (environments ? environments.added.length + environments.removed.length : 0);
  return { plan, stackStatus: stack.stack_status, files: changes, environments, parameters, changes: count };
}

/** The parameters the plan's templates declare hidden (NoEcho: SSLKey and the like). */
function hiddenParameters(files: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    if (!/\.ya?ml$/.test(name) || /\.j2\.ya?ml$/.test(name) || !/\bhidden:\s*true/.test(text)) continue;
    const params = (readHeatYaml(text).value as { parameters?: unknown } | null)?.parameters;
    if (params && typeof params === 'object') for (const [p, def] of Object.entries(params)) if ((def as { hidden?: unknown })?.hidden === true) out.push(p);
  }
  return out;
}

function readDeployedEnvironments(text: string | undefined): string[] | undefined {
  const v = text === undefined ? undefined : safeParse(text);
  return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string' && !e.startsWith(RESERVED_PREFIX)).map(normalizePath) : undefined;
}

/** The parameter values that differ, secrets masked (one rule: redactValue). */
export function diffParameters(before: Record<string, unknown>, after: Record<string, unknown>, secrets: Set<string>): ParameterChange[] {
  // secret-looking names are masked at any depth (ExtraConfig); generated passwords and hidden parameters whatever their name
  const mask = (values: Record<string, unknown>) => redactValue(values, secrets) as Record<string, unknown>;
  const shownBefore = mask(before);
  const shownAfter = mask(after);
  const out: ParameterChange[] = [];
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (canonical(before[name]) === canonical(after[name])) continue;
    const secret = canonical(shownBefore[name]) !== canonical(before[name]) || canonical(shownAfter[name]) !== canonical(after[name]);
    out.push({ name, before: shownBefore[name], after: shownAfter[name], secret });
  }
  return out;
}

/** The diff for a person: a summary, then each changed file's text diff (unless `textDiffs` is false). */
export function formatDeployDiff(d: DeployDiff, opts: { textDiffs?: boolean } = {}): string {
  const lines: string[] = [];
  if (!d.stackStatus) lines.push(`plan ${d.plan} has no stack yet: a deploy creates it from ${d.files.length} files`);
  else lines.push(`plan ${d.plan} against its stack (${d.stackStatus}): ${d.changes ? `${d.changes} change(s)` : 'no changes'}`);
  const mark = { added: 'A', removed: 'D', changed: 'M' } as const;
  if (d.stackStatus && d.files.length) {
    lines.push('', 'files:');
    for (const f of d.files) lines.push(`  ${mark[f.change]} ${f.path}`);
  }
  if (d.environments && (d.environments.added.length || d.environments.removed.length)) {
    lines.push('', 'environments:');
    for (const e of d.environments.added) lines.push(`  + ${e}`);
    for (const e of d.environments.removed) lines.push(`  - ${e}`);
  } else if (d.stackStatus && !d.environments) {
    lines.push('', 'environments: the stack does not record which were selected (deployed by an older workflow)');
  }
  if (d.parameters.length) {
    lines.push('', 'parameters:');
    const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));
    for (const p of d.parameters)
      lines.push(
        p.secret
          ? `  ${p.name}: ${p.before === undefined ? 'set' : p.after === undefined ? 'unset' : 'changed'} (secret)`
          : `  ${p.name}: ${show(p.before)} -> ${show(p.after)}`,
      );
  }
  if (opts.textDiffs !== false) {
    for (const f of d.files.filter((x) => x.change === 'changed'))
      lines.push('', unifiedDiff(f.before ?? '', f.after ?? '', `stack/${f.path}`, `plan/${f.path}`).trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
