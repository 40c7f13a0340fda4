import type { FinishedExecution, MistralClient } from '../openstack/mistral';
import { PlanError } from './errors';
import { ConnectionError } from '../openstack/errors';
import { redactText } from '../openstack/redact';

export interface WorkflowOutcome {
  executionId: string;
  state: 'SUCCESS' | 'ERROR' | 'CANCELLED';
  output: Record<string, unknown>;
  message: string;
}

function shorten(text: string, max = 600): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Starts a Mistral workflow and waits for it to end, whatever its outcome; a wait that runs out
 * becomes a PlanError naming the execution.
 */
export async function startAndWait(
  mistral: MistralClient,
  workflow: string,
  input: Record<string, unknown>,
  opts: { signal?: AbortSignal; timeoutMs?: number; intervalMs?: number; onStarted?: (id: string) => void } = {},
): Promise<FinishedExecution> {
  const ex = await mistral.createExecution(workflow, { input, signal: opts.signal });
  opts.onStarted?.(ex.id);
  try {
    return await mistral.waitForExecution(ex.id, { timeoutMs: opts.timeoutMs ?? 300_000, intervalMs: opts.intervalMs, signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') {
      throw new PlanError(
        'workflow-timeout',
        `${workflow} did not finish in time: ${await describeExecution(mistral, ex.id)}; tripleo execution cancel ${ex.id} stops it`,
      );
    }
    // Mistral killed or unreachable mid-wait: the execution may be left RUNNING, so name it
    if (e instanceof ConnectionError && !opts.signal?.aborted) {
      throw new PlanError(
        'workflow-unreachable',
        `${workflow}: stopped waiting for execution ${ex.id} (${e.message}): it may be left RUNNING; tripleo execution cancel ${ex.id} stops it`,
      );
    }
    throw e;
  }
}

/**
 * Starts a Mistral workflow and waits for it. Our workflows report `{status, message}`; a FAILED
 * one becomes a PlanError carrying that message.
 */
export async function runWorkflow(
  mistral: MistralClient,
  workflow: string,
  input: Record<string, unknown>,
  opts: { signal?: AbortSignal; timeoutMs?: number; onStarted?: (id: string) => void } = {},
): Promise<WorkflowOutcome> {
  const done = await startAndWait(mistral, workflow, input, opts);
  const output = done.parsedOutput ?? {};
  const message = typeof output.message === 'string' && output.message ? output.message : shorten(redactText(done.state_info ?? String(output.result ?? '')));
  if (done.state !== 'SUCCESS' || output.status === 'FAILED') {
    throw new PlanError('workflow-failed', `${workflow.split('.').pop()} failed: ${message || done.state}`);
  }
  return { executionId: done.id, state: 'SUCCESS', output, message };
}

/** The plan an execution worked on: our workflows take it as `container`. */
export function executionPlan(e: { input?: string }): string | undefined {
  try {
    const c = (JSON.parse(e.input ?? '{}') as { container?: unknown }).container;
    return typeof c === 'string' ? c : undefined;
  } catch {
    return undefined;
  }
}

/** What an execution that did not finish in time is doing: its state, its error, its unfinished or failed tasks. */
export async function describeExecution(mistral: MistralClient, id: string, signal?: AbortSignal): Promise<string> {
  const ex = await mistral.getExecution(id, signal).catch(() => undefined);
  if (!ex) return `execution ${id} cannot be read`;
  const tasks = await mistral.listTasks(id, { signal }).catch(() => []);
  const notDone = tasks
    .filter((t) => t.state !== 'SUCCESS')
    .map((t) => `${t.name} ${t.state}${t.state_info ? `: ${shorten(redactText(t.state_info), 200)}` : ''}`);
  return `execution ${id} is ${ex.state}${ex.state_info ? `: ${shorten(redactText(ex.state_info), 400)}` : ''}${notDone.length ? ` (tasks: ${notDone.slice(0, 5).join('; ')})` : ''}`;
}
