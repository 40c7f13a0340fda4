import type { HeatStack, StackProgress } from '../openstack/heat';
import { requirePlanData } from './planData';
import { renderPlanContainer } from './planRendering';
import { ensurePlanSettled, withPlanLock } from './planLock';
import { checkPlanSize } from './limits';
import { RESERVED_PREFIX } from './localPlan';
import type { Undercloud } from './undercloud';
import { ensureWorkbooks } from './workbookInstaller';
import { runWorkflow } from './workflows';

export const DEPLOY_WORKFLOW = 'tripleo.deployment.v1.deploy_plan';

export interface DeployOptions {
  /** Heat's stack timeout in minutes (default 240) */
  timeoutMinutes?: number;
  skipDeployIdentifier?: boolean;
  /** let the workflow follow the stack to its end (it then fails with the failed resources' reasons) */
  wait?: boolean;
  signal?: AbortSignal;
  onStarted?: (executionId: string) => void;
  /**
   * How long this client waits for the workflow, holding the plan meanwhile (default: 10 minutes to
   * start the stack, or the stack's own timeout and 5 minutes with wait). An execution a killed
   * Mistral left RUNNING holds the plan no longer than this.
   */
  workflowTimeoutMs?: number;
}

export interface DeployStarted {
  executionId: string;
  stackId?: string;
  stackAction: 'CREATE' | 'UPDATE';
  stackStatus?: string;
  message: string;
}

export interface FailedResource {
  name: string;
  type: string;
  status: string;
  reason: string;
}

/** Runs the deploy workflow: refused while the stack is busy; creates or updates (PATCH) the stack. */
export async function deployPlan(uc: Undercloud, plan: string, opts: DeployOptions = {}): Promise<DeployStarted> {
  await requirePlanData(uc.mistral, plan, opts.signal);
  await ensurePlanSettled(uc.swift, plan, { signal: opts.signal });
  // a plan put into Swift by other means is checked here, before the workflow reads it
  const objects = await uc.swift.listObjects(plan, { signal: opts.signal });
  checkPlanSize(
    objects.filter((o) => !o.name.startsWith(RESERVED_PREFIX)).map((o) => ({ name: o.name, size: o.bytes })),
    `plan "${plan}"`,
  );
  await ensureWorkbooks(uc.mistral);
  // the plan is held until the workflow has started the stack (and written its DeployIdentifier):
  // a second deploy or a parameter change meanwhile is refused, naming this one
  return withPlanLock(uc.swift, plan, 'deploy', () => runDeploy(uc, plan, opts), { signal: opts.signal });
}

async function runDeploy(uc: Undercloud, plan: string, opts: DeployOptions): Promise<DeployStarted> {
  // the container's own sources may have changed since the last upload: render them again first
  await renderPlanContainer(uc.swift, plan, opts.signal);
  const timeout = opts.timeoutMinutes ?? 240;
  const r = await runWorkflow(
    uc.mistral,
    DEPLOY_WORKFLOW,
    { container: plan, timeout, skip_deploy_identifier: opts.skipDeployIdentifier ?? false, wait: opts.wait ?? false },
    { signal: opts.signal, onStarted: opts.onStarted, timeoutMs: opts.workflowTimeoutMs ?? (opts.wait ? (timeout + 5) * 60_000 : 600_000) },
  );
  return {
    executionId: r.executionId,
    stackId: r.output.stack_id as string | undefined,
    stackAction: (r.output.stack_action as 'CREATE' | 'UPDATE') ?? 'CREATE',
    stackStatus: r.output.stack_status as string | undefined,
    message: r.message,
  };
}

/** The failed resources of a stack (nested ones too) with Heat's reasons. */
export async function failedResources(uc: Undercloud, stack: string, signal?: AbortSignal): Promise<FailedResource[]> {
  const resources = await uc.heat.listResources(stack, { nestedDepth: 5, signal });
  return resources
    .filter((r) => r.resource_status.endsWith('_FAILED'))
    .map((r) => ({ name: r.resource_name, type: r.resource_type, status: r.resource_status, reason: r.resource_status_reason ?? '' }));
}

export interface FollowResult {
  stack: HeatStack;
  failed: FailedResource[];
  outputs: { key: string; value: unknown; description?: string }[];
}

/**
 * Follows a stack to `*_COMPLETE` or `*_FAILED`, reporting resources complete / total and every
 * new event. Cancelling (the signal) stops following; it does not touch the stack.
 */
export async function followStack(
  uc: Undercloud,
  plan: string,
  opts: { signal?: AbortSignal; timeoutMs?: number; intervalMs?: number; onProgress?: (p: StackProgress) => void; onEvent?: (line: string) => void } = {},
): Promise<FollowResult> {
  const seen = new Set<string>();
  let marker: string | undefined;
  const pollEvents = async () => {
    if (!opts.onEvent) return;
    const events = await uc.heat.listEvents(plan, { marker, nestedDepth: 3, signal: opts.signal }).catch(() => []);
    for (const e of events) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      marker = e.id;
      opts.onEvent(
        `${e.event_time} ${e.resource_name} ${e.resource_status}${e.resource_status_reason && e.resource_status_reason !== 'state changed' ? `: ${e.resource_status_reason}` : ''}`,
      );
    }
  };
  const stack = await uc.heat.waitForStack(plan, {
    timeoutMs: opts.timeoutMs,
    intervalMs: opts.intervalMs ?? 2000,
    signal: opts.signal,
    onProgress: (p) => {
      opts.onProgress?.(p);
      void pollEvents();
    },
  });
  await pollEvents();
  const failed = stack.stack_status.endsWith('_FAILED') ? await failedResources(uc, `${stack.stack_name}/${stack.id}`, opts.signal) : [];
  const outputs = stack.stack_status.endsWith('_COMPLETE')
    ? (await uc.heat.getOutputs(`${stack.stack_name}/${stack.id}`, opts.signal)).map((o) => ({
        key: o.output_key,
        value: o.output_value,
        description: o.description,
      }))
    : [];
  return { stack, failed, outputs };
}

export function describeFailure(r: FollowResult): string {
  const why = r.failed.map((f) => `${f.name} (${f.type}): ${f.reason}`).join('; ');
  return `stack ${r.stack.stack_name} ${r.stack.stack_status}${r.stack.stack_status_reason ? `: ${r.stack.stack_status_reason}` : ''}${why ? ` — failed resources: ${why}` : ''}`;
}
