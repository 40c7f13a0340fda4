import { HttpError } from '../openstack/errors';
import type { KeystoneSession } from '../openstack/keystone';
import { PlanError } from './errors';

/** A plan's data: the Mistral environment named after the plan (TripleO Newton/Ocata layout). */
export interface PlanData {
  template: string;
  environments: ({ path: string } | { data: Record<string, unknown> })[];
  parameter_defaults: Record<string, unknown>;
  passwords: Record<string, string>;
  [other: string]: unknown;
}

const env = (session: KeystoneSession) => ({
  get: (name: string, signal?: AbortSignal) =>
    session.json<{ name: string; variables: string | Record<string, unknown>; updated_at?: string; created_at?: string }>({
      service: 'mistral',
      serviceType: 'workflowv2',
      method: 'GET',
      path: `/environments/${encodeURIComponent(name)}`,
      signal,
    }),
});

export async function readPlanData(session: KeystoneSession, plan: string, signal?: AbortSignal): Promise<PlanData | undefined> {
  try {
    const e = await env(session).get(plan, signal);
    const v = typeof e.variables === 'string' ? (JSON.parse(e.variables) as Record<string, unknown>) : e.variables;
    return {
      ...v,
      template: String(v.template ?? 'overcloud.yaml'),
      environments: Array.isArray(v.environments) ? (v.environments as PlanData['environments']) : [],
      parameter_defaults: (v.parameter_defaults as Record<string, unknown>) ?? {},
      passwords: (v.passwords as Record<string, string>) ?? {},
    };
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return undefined;
    throw e;
  }
}

export async function requirePlanData(session: KeystoneSession, plan: string, signal?: AbortSignal): Promise<PlanData> {
  const data = await readPlanData(session, plan, signal);
  if (!data) throw new PlanError('plan-not-found', `plan "${plan}" does not exist`);
  return data;
}

export async function writePlanData(session: KeystoneSession, plan: string, data: PlanData, signal?: AbortSignal): Promise<void> {
  await session.request({
    service: 'mistral',
    serviceType: 'workflowv2',
    method: 'PUT',
    path: '/environments',
    body: { name: plan, variables: JSON.stringify(data) },
    signal,
  });
}

export async function planDataNames(session: KeystoneSession, signal?: AbortSignal): Promise<Set<string>> {
  const body = await session.json<{ environments: { name: string }[] }>({ service: 'mistral', serviceType: 'workflowv2', method: 'GET', path: '/environments', signal });
  return new Set((body.environments ?? []).map((e) => e.name));
}

/** The selected environment files, in order (inline `data` entries are not files). */
export function selectedPaths(data: PlanData): string[] {
  return data.environments.flatMap((e) => ('path' in e && typeof e.path === 'string' ? [e.path] : []));
}
