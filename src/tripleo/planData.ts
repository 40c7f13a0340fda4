import type { MistralClient } from '../openstack/mistral';
import { createHash } from 'node:crypto';
import { PlanError } from './errors';
import { assertPlanName } from './planName';

/** What the data was read from (a hash of the stored variables); copied along by `{...data}`, never stored. */
const READ_FROM = Symbol('plan data as read');
const digest = (variables: unknown) =>
  createHash('sha1')
    .update(JSON.stringify(variables ?? {}))
    .digest('hex');

/** A plan's data: the Mistral environment named after the plan (TripleO Newton/Ocata layout). */
export interface PlanData {
  template: string;
  environments: ({ path: string } | { data: Record<string, unknown> })[];
  parameter_defaults: Record<string, unknown>;
  passwords: Record<string, string>;
  [other: string]: unknown;
}

export async function readPlanData(mistral: MistralClient, plan: string, signal?: AbortSignal): Promise<PlanData | undefined> {
  assertPlanName(plan);
  const e = await mistral.getEnvironment(plan, signal);
  if (!e) return undefined;
  const v = e.variables ?? {};
  return {
    [READ_FROM]: digest(e.variables),
    ...v,
    template: String(v.template ?? 'overcloud.yaml'),
    environments: Array.isArray(v.environments) ? (v.environments as PlanData['environments']) : [],
    parameter_defaults: (v.parameter_defaults as Record<string, unknown>) ?? {},
    passwords: (v.passwords as Record<string, string>) ?? {},
  };
}

export async function requirePlanData(mistral: MistralClient, plan: string, signal?: AbortSignal): Promise<PlanData> {
  const data = await readPlanData(mistral, plan, signal);
  if (!data) throw new PlanError('plan-not-found', `plan "${plan}" does not exist`);
  return data;
}

/**
 * Saves plan data read with readPlanData (and changed): refused when the stored data changed since
 * that read (a deploy's DeployIdentifier, another client's edit), so no write is based on a stale read.
 */
export async function writePlanData(mistral: MistralClient, plan: string, data: PlanData, signal?: AbortSignal): Promise<void> {
  assertPlanName(plan);
  const readFrom = (data as { [READ_FROM]?: string })[READ_FROM];
  if (readFrom !== undefined) {
    const now = await mistral.getEnvironment(plan, signal);
    if (!now) throw new PlanError('plan-not-found', `plan "${plan}" does not exist`);
    if (digest(now.variables) !== readFrom) {
      throw new PlanError(
        'plan-changed',
        `plan "${plan}" was changed by another client (or a deploy) while this change was prepared; nothing was saved: read the plan again and retry`,
      );
    }
  }
  await mistral.updateEnvironment(plan, { variables: data, signal });
}

export async function planDataNames(mistral: MistralClient, signal?: AbortSignal): Promise<Set<string>> {
  return new Set((await mistral.listEnvironments(signal)).map((e) => e.name));
}

/** The selected environment files, in order (inline `data` entries are not files). */
export function selectedPaths(data: PlanData): string[] {
  return data.environments.flatMap((e) => ('path' in e && typeof e.path === 'string' ? [e.path] : []));
}
