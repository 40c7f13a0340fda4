import { parse } from 'yaml';
import type { MistralExecution, MistralWorkflow } from '../openstack/mistral';
import { mapLimit } from './concurrency';
import { PlanError } from './errors';
import type { Undercloud } from './undercloud';
import { ensureWorkbooks } from './workbookInstaller';
import { executionPlan } from './workflows';
import { redactText } from '../openstack/redact';

export const VALIDATIONS_WORKBOOK = 'tripleo.validations.v1';
export const RUN_GROUP_WORKFLOW = `${VALIDATIONS_WORKBOOK}.run_group`;
/** The tag that makes a workflow of the workbook a validation; `group:<name>` tags give its groups. */
export const VALIDATION_TAG = 'tripleo-validation';
export const VALIDATION_GROUPS = ['prep', 'pre-introspection', 'pre-deployment', 'post-deployment'] as const;

export interface Validation {
  /** the workflow's short name, e.g. node_counts */
  id: string;
  /** the workflow's full name */
  workflow: string;
  /** the first line of the workflow's description */
  name: string;
  /** the rest of the description */
  description: string;
  groups: string[];
}

export type ValidationResult = 'pass' | 'warning' | 'fail' | 'running' | 'cancelled';

export interface ValidationRun {
  executionId: string;
  validation: string;
  plan?: string;
  state: MistralExecution['state'];
  result: ValidationResult;
  message: string;
  messages: string[];
  createdAt: string;
  updatedAt?: string | null;
  /** set when a group run started it */
  parentTaskId?: string;
}

export interface GroupRun {
  executionId: string;
  group: string;
  plan?: string;
  state: MistralExecution['state'];
  message: string;
  results: ValidationRun[];
}

function describe(wf: MistralWorkflow): { name: string; description: string } {
  let text = '';
  try {
    const doc = parse(wf.definition) as Record<string, { description?: unknown }> | null;
    text = String(Object.values(doc ?? {})[0]?.description ?? '');
  } catch {
    // a definition we cannot read still lists, under its id
  }
  const [first, ...rest] = text.trim().split('\n');
  return { name: first?.trim() || wf.name.split('.').pop()!, description: rest.join(' ').trim() };
}

/** Validations as any client finds them in Mistral: workflows of the workbook with the validation tag. */
export async function listValidations(uc: Undercloud, opts: { group?: string; signal?: AbortSignal } = {}): Promise<Validation[]> {
  await ensureWorkbooks(uc.mistral);
  const workflows = await uc.mistral.listWorkflows({ nameContains: `${VALIDATIONS_WORKBOOK}.`, signal: opts.signal });
  const all = workflows
    .filter((wf) => wf.name.startsWith(`${VALIDATIONS_WORKBOOK}.`) && wf.tags?.includes(VALIDATION_TAG))
    .map((wf) => ({
      id: wf.name.slice(VALIDATIONS_WORKBOOK.length + 1),
      workflow: wf.name,
      ...describe(wf),
      groups: wf.tags.filter((t) => t.startsWith('group:')).map((t) => t.slice(6)),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  if (opts.group && !all.some((v) => v.groups.includes(opts.group!))) {
    throw new PlanError(
      'unknown-group',
      `no validation is in the group "${opts.group}" (groups: ${[...new Set(all.flatMap((v) => v.groups))].sort().join(', ')})`,
    );
  }
  return opts.group ? all.filter((v) => v.groups.includes(opts.group!)) : all;
}

function parseOutput(e: MistralExecution): Record<string, unknown> {
  try {
    const o = JSON.parse(e.output ?? '{}') as unknown;
    return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** What one execution of a validation says: its result and messages (a token in Mistral's errors redacted). */
export function validationRun(e: MistralExecution & { task_execution_id?: string | null }): ValidationRun {
  const out = parseOutput(e);
  const given = out.result;
  const result: ValidationResult =
    e.state === 'RUNNING' || e.state === 'IDLE' || e.state === 'PAUSED'
      ? 'running'
      : e.state === 'CANCELLED'
        ? 'cancelled'
        : given === 'pass' || given === 'warning' || given === 'fail'
          ? given
          : e.state === 'SUCCESS'
            ? 'pass'
            : 'fail';
  const fallback =
    e.state === 'CANCELLED'
      ? 'stopped'
      : e.state === 'ERROR'
        ? redactText(String(e.state_info ?? out.result ?? 'failed')).slice(0, 600)
        : result === 'running'
          ? 'running'
          : '';
  return {
    executionId: e.id,
    validation: e.workflow_name.split('.').pop()!,
    plan: executionPlan(e) || undefined,
    state: e.state,
    result,
    message: typeof out.message === 'string' && out.message ? out.message : fallback,
    messages: Array.isArray(out.messages) ? out.messages.map(String) : [],
    createdAt: e.created_at,
    updatedAt: e.updated_at,
    parentTaskId: e.task_execution_id ?? undefined,
  };
}

async function requireValidation(uc: Undercloud, id: string, signal?: AbortSignal): Promise<Validation> {
  const all = await listValidations(uc, { signal });
  const v = all.find((x) => x.id === id || x.workflow === id);
  if (!v) throw new PlanError('unknown-validation', `no validation is named "${id}" (validations: ${all.map((x) => x.id).join(', ')})`);
  return v;
}

export interface RunOptions {
  plan?: string;
  /** extra input, e.g. {nodes: [...]} to look at some nodes only, {timeout: s} for stack_complete */
  input?: Record<string, unknown>;
  /** false: return as soon as it is started (state RUNNING) */
  wait?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  onStarted?: (executionId: string) => void;
}

/** Runs one validation for a plan (its own execution, with the plan as `container`). */
export async function runValidation(uc: Undercloud, id: string, opts: RunOptions = {}): Promise<ValidationRun> {
  const v = await requireValidation(uc, id, opts.signal);
  const ex = await uc.mistral.createExecution(v.workflow, { input: { container: opts.plan ?? '', ...opts.input }, signal: opts.signal });
  opts.onStarted?.(ex.id);
  if (opts.wait === false) return validationRun(ex);
  return validationRun(await uc.mistral.waitForExecution(ex.id, { timeoutMs: opts.timeoutMs ?? 20 * 60_000, signal: opts.signal }));
}

/** Runs several validations at once (they only read), each its own execution. */
export function runValidations(uc: Undercloud, ids: string[], opts: RunOptions = {}): Promise<ValidationRun[]> {
  return mapLimit(ids, 8, (id) => runValidation(uc, id, opts));
}

/**
 * Runs a group through the run_group workflow, which finds the group's validations in Mistral and
 * runs them in parallel; each validation's run stays an execution of that validation.
 */
export async function runGroup(uc: Undercloud, group: string, opts: Omit<RunOptions, 'input'> = {}): Promise<GroupRun> {
  await listValidations(uc, { group, signal: opts.signal });
  const ex = await uc.mistral.createExecution(RUN_GROUP_WORKFLOW, { input: { group, container: opts.plan ?? '' }, signal: opts.signal });
  opts.onStarted?.(ex.id);
  if (opts.wait === false) return { executionId: ex.id, group, plan: opts.plan, state: ex.state, message: 'started', results: [] };
  const done = await uc.mistral.waitForExecution(ex.id, { timeoutMs: opts.timeoutMs ?? 20 * 60_000, signal: opts.signal });
  return groupRun(uc, done, group, opts.plan, opts.signal);
}

async function groupRun(uc: Undercloud, done: MistralExecution, group: string, plan: string | undefined, signal?: AbortSignal): Promise<GroupRun> {
  const out = parseOutput(done);
  const ids = Array.isArray(out.results) ? (out.results as { id?: string }[]).map((r) => r.id).filter((x): x is string => !!x) : [];
  // the runs themselves, not the summary: a stopped group has no summary
  const results = ids.length
    ? await Promise.all(ids.map(async (id) => validationRun((await uc.mistral.getExecution(id, signal))!)))
    : await groupChildren(uc, done.id, signal);
  const message =
    typeof out.message === 'string' && out.message
      ? out.message
      : done.state === 'CANCELLED'
        ? `${group}: stopped`
        : redactText(String(done.state_info ?? done.state)).slice(0, 600);
  return { executionId: done.id, group, plan, state: done.state, message, results: results.sort((a, b) => a.validation.localeCompare(b.validation)) };
}

/** The validation runs a group execution started, found through its run_one sub-executions. */
async function groupChildren(uc: Undercloud, groupExecutionId: string, signal?: AbortSignal): Promise<ValidationRun[]> {
  const tasks = await uc.mistral.listTasks(groupExecutionId, { signal });
  const runOnes = (await Promise.all(tasks.filter((t) => t.type === 'WORKFLOW').map((t) => subExecutions(uc, t.id, signal)))).flat();
  const runs = await Promise.all(
    runOnes.map(async (ro) => {
      const inner = (await uc.mistral.listTasks(ro.id, { signal })).filter((t) => t.type === 'WORKFLOW');
      return (await Promise.all(inner.map((t) => subExecutions(uc, t.id, signal)))).flat();
    }),
  );
  return runs.flat().map(validationRun);
}

async function subExecutions(uc: Undercloud, taskId: string, signal?: AbortSignal): Promise<MistralExecution[]> {
  const page = await uc.session.json<{ executions: MistralExecution[] }>({
    service: 'mistral',
    serviceType: 'workflowv2',
    method: 'GET',
    path: `/executions?task_execution_id=${encodeURIComponent(taskId)}&fields=workflow_name,state,state_info,input,output,created_at,updated_at,task_execution_id`,
    signal,
  });
  return page.executions ?? [];
}

/** The state of a group run started earlier (or of one that was stopped). */
export async function getGroupRun(uc: Undercloud, executionId: string, signal?: AbortSignal): Promise<GroupRun> {
  const ex = await uc.mistral.getExecution(executionId, signal);
  if (!ex || ex.workflow_name !== RUN_GROUP_WORKFLOW) throw new PlanError('no-group-run', `execution ${executionId} is not a group run of validations`);
  const input = JSON.parse(ex.input ?? '{}') as { group?: string; container?: string };
  if (ex.state === 'RUNNING' || ex.state === 'PAUSED' || ex.state === 'IDLE') {
    return {
      executionId: ex.id,
      group: input.group ?? '',
      plan: input.container || undefined,
      state: ex.state,
      message: 'running',
      results: await groupChildren(uc, ex.id, signal),
    };
  }
  return groupRun(uc, ex, input.group ?? '', input.container || undefined, signal);
}

/**
 * Stops a validation or a group run: Mistral cancels the execution and every sub-execution still
 * running. One that has already ended is refused, saying how it ended.
 */
export async function stopValidation(uc: Undercloud, executionId: string, signal?: AbortSignal): Promise<MistralExecution> {
  const ex = await uc.mistral.getExecution(executionId, signal);
  if (!ex || !ex.workflow_name.startsWith(`${VALIDATIONS_WORKBOOK}.`))
    throw new PlanError('no-validation-run', `execution ${executionId} is not a run of a validation`);
  if (ex.state !== 'RUNNING' && ex.state !== 'PAUSED' && ex.state !== 'IDLE')
    throw new PlanError('not-running', `execution ${executionId} (${ex.workflow_name.split('.').pop()}) has already ended: ${ex.state}`);
  return uc.mistral.updateExecutionState(executionId, 'CANCELLED', { stateInfo: 'stopped by the user', signal });
}

/**
 * Runs of validations, newest first: of one validation or of all, for one plan or any, at most
 * `limit` per validation.
 */
export async function validationResults(
  uc: Undercloud,
  opts: { plan?: string; validation?: string; limit?: number; signal?: AbortSignal } = {},
): Promise<ValidationRun[]> {
  const validations = opts.validation ? [await requireValidation(uc, opts.validation, opts.signal)] : await listValidations(uc, { signal: opts.signal });
  const limit = opts.limit ?? 20;
  const lists = await mapLimit(validations, 8, async (v) => {
    // filtering by plan happens here, so look further back when one is asked for
    const executions = await uc.mistral.listExecutionsOf(v.workflow, {
      max: opts.plan ? Math.max(limit * 10, 200) : limit,
      fields: ['workflow_name', 'state', 'state_info', 'input', 'output', 'updated_at', 'task_execution_id'],
      signal: opts.signal,
    });
    return executions
      .map(validationRun)
      .filter((r) => !opts.plan || r.plan === opts.plan)
      .slice(0, limit);
  });
  return lists.flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.validation.localeCompare(b.validation));
}

/** The newest run of each validation for a plan: what a view shows next to each one. */
export async function latestRuns(uc: Undercloud, plan: string | undefined, signal?: AbortSignal): Promise<Map<string, ValidationRun>> {
  const runs = await validationResults(uc, { plan, limit: 1, signal });
  return new Map(runs.map((r) => [r.validation, r]));
}

/** A run as text a person reads: result, message, then each message on its own line. */
export function formatRun(r: ValidationRun): string {
  const head = `${r.validation}  ${r.result.toUpperCase()}${r.plan ? `  plan ${r.plan}` : ''}  ${r.createdAt}  execution ${r.executionId}`;
  return [head, `  ${r.message}`, ...r.messages.map((m) => `    - ${m}`)].join('\n');
}

export interface PreDeploymentChecks {
  /** lines for the deploy confirmation */
  summary: string;
  failed: number;
  group?: GroupRun;
}

function summarize(runs: ValidationRun[], intro: string): PreDeploymentChecks {
  const failed = runs.filter((r) => r.result === 'fail' || r.result === 'cancelled');
  const warned = runs.filter((r) => r.result === 'warning');
  const head = failed.length
    ? `${intro}: ${failed.length} of ${runs.length} failed.`
    : `${intro}: all ${runs.length} passed${warned.length ? `, ${warned.length} with warnings` : ''}.`;
  return { summary: [head, ...[...failed, ...warned].map((r) => `• ${r.validation}: ${r.messages[0] ?? r.message}`)].join('\n'), failed: failed.length };
}

/** Runs the pre-deployment group for a plan, summed up for the deploy confirmation (extension and CLI). */
export async function runPreDeploymentValidations(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<PreDeploymentChecks & { group: GroupRun }> {
  const group = await runGroup(uc, 'pre-deployment', { plan, signal });
  return { ...summarize(group.results, 'Pre-deployment validations'), group };
}

/** What the last runs of the pre-deployment validations said about a plan, without running them. */
export async function preDeploymentStatus(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<PreDeploymentChecks> {
  const members = new Set((await listValidations(uc, { group: 'pre-deployment', signal })).map((v) => v.id));
  const runs = (await validationResults(uc, { plan, limit: 1, signal })).filter((r) => members.has(r.validation) && r.result !== 'running');
  if (!runs.length) return { summary: 'The pre-deployment validations have not been run for this plan.', failed: 0 };
  const oldest = runs.map((r) => r.createdAt).sort()[0];
  return summarize(runs, `Last pre-deployment validations (${runs.length} of ${members.size} run, since ${oldest} UTC)`);
}
