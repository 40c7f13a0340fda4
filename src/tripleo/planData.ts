import type { MistralClient } from '../openstack/mistral';
import { PlanError } from './errors';

/** A plan's data: the Mistral environment named after the plan (TripleO Newton/Ocata layout). */
export interface PlanData {
  template: string;
  environments: ({ path: string } | { data: Record<string, unknown> })[];
  parameter_defaults: Record<string, unknown>;
  passwords: Record<string, string>;
  [other: string]: unknown;
}

export async function readPlanData(mistral: MistralClient, plan: string, signal?: AbortSignal): Promise<PlanData | undefined> {
  const e = await mistral.getEnvironment(plan, signal);
  if (!e) return undefined;
  const v = e.variables ?? {};
  return {
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

export async function writePlanData(mistral: MistralClient, plan: string, data: PlanData, signal?: AbortSignal): Promise<void> {
  await mistral.updateEnvironment(plan, { variables: data, signal });
}

export async function planDataNames(mistral: MistralClient, signal?: AbortSignal): Promise<Set<string>> {
  return new Set((await mistral.listEnvironments(signal)).map((e) => e.name));
}

/** The selected environment files, in order (inline `data` entries are not files). */
export function selectedPaths(data: PlanData): string[] {
  return data.environments.flatMap((e) => ('path' in e && typeof e.path === 'string' ? [e.path] : []));
}
