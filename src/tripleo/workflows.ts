import type { KeystoneSession } from '../openstack/keystone';
import { PlanError } from './errors';

export interface WorkflowOutcome {
  executionId: string;
  state: 'SUCCESS' | 'ERROR' | 'CANCELLED';
  output: Record<string, unknown>;
  message: string;
}

/** Mistral puts the whole task context, token included, into some error texts. */
export function redactStateInfo(text: string): string {
  return text
    .replace(/('auth_token': ')[^']+/g, '$1***')
    .replace(/('X-Auth-Token': ')[^']+/g, '$1***')
    .replace(/("(?:auth_token|X-Auth-Token)": ")[^"]+/g, '$1***')
    .replace(/gAAAAA[\w-]{40,}/g, '***');
}

function shorten(text: string, max = 600): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Starts a Mistral workflow and waits for it. Our workflows report `{status, message}`; a FAILED
 * one becomes a PlanError carrying that message.
 */
export async function runWorkflow(
  session: KeystoneSession,
  workflow: string,
  input: Record<string, unknown>,
  opts: { signal?: AbortSignal; timeoutMs?: number; intervalMs?: number; onStarted?: (id: string) => void } = {},
): Promise<WorkflowOutcome> {
  const mistral = <T>(method: string, path: string, body?: unknown) =>
    session.json<T>({ service: 'mistral', serviceType: 'workflowv2', method, path, body, signal: opts.signal });
  const ex = await mistral<{ id: string }>('POST', '/executions', { workflow_name: workflow, input: JSON.stringify(input) });
  opts.onStarted?.(ex.id);
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  let interval = Math.min(opts.intervalMs ?? 250, 2000);
  for (;;) {
    const cur = await mistral<{ state: string; state_info?: string | null; output?: string }>('GET', `/executions/${ex.id}`);
    if (cur.state === 'SUCCESS' || cur.state === 'ERROR' || cur.state === 'CANCELLED') {
      let output: Record<string, unknown> = {};
      try {
        output = cur.output ? (JSON.parse(cur.output) as Record<string, unknown>) : {};
      } catch {
        output = {};
      }
      const message = typeof output.message === 'string' && output.message ? output.message : shorten(redactStateInfo(cur.state_info ?? String(output.result ?? '')));
      if (cur.state !== 'SUCCESS' || output.status === 'FAILED') {
        throw new PlanError('workflow-failed', `${workflow.split('.').pop()} failed: ${message || cur.state}`);
      }
      return { executionId: ex.id, state: 'SUCCESS', output, message };
    }
    if (Date.now() > deadline) throw new PlanError('workflow-timeout', `${workflow} (execution ${ex.id}) did not finish in time; it is still ${cur.state}`);
    await new Promise((r) => setTimeout(r, interval));
    interval = Math.min(interval * 1.5, 2000);
  }
}
