import { HttpError } from '../openstack/errors';
import type { MistralExecution } from '../openstack/mistral';
import { PlanError } from './errors';
import { assertPlanName } from './planName';
import { withPlanLock } from './planLock';
import type { Undercloud } from './undercloud';

/**
 * Ways out when a service died mid-operation: a stack left *_IN_PROGRESS by a killed Heat, an
 * execution left RUNNING by a killed Mistral.
 */

const ACTIVE = new Set(['RUNNING', 'PAUSED', 'IDLE']);

/**
 * Stops what the stack is doing: an update is cancelled and rolled back; a create (which Heat cannot
 * roll back) is cancelled without rollback and ends CREATE_FAILED. Returns the state it was in.
 */
export async function cancelStack(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<string> {
  assertPlanName(plan);
  const stack = await uc.heat.getStack(plan, { resolveOutputs: false, signal });
  if (!stack) throw new PlanError('no-stack', `plan "${plan}" has no stack`);
  if (!stack.stack_status.endsWith('_IN_PROGRESS')) throw new PlanError('stack-not-busy', `stack ${plan} is ${stack.stack_status}: there is nothing to cancel`);
  try {
    await uc.heat.cancelUpdate(`${stack.stack_name}/${stack.id}`, { rollback: stack.stack_status === 'UPDATE_IN_PROGRESS', signal });
  } catch (e) {
    if (e instanceof HttpError && e.status < 500) {
      throw new PlanError(
        'cancel-refused',
        `Heat refused to cancel ${stack.stack_status} of stack ${plan} (${e.serviceMessage}): delete the stack instead (tripleo stack delete ${plan})`,
      );
    }
    throw e;
  }
  return stack.stack_status;
}

/**
 * Deletes a plan's stack (the plan stays) and waits until it is gone. Holds the plan meanwhile, so
 * no deploy starts while it is deleted. Heat takes over the stack of an engine that died.
 */
export async function deleteStack(
  uc: Undercloud,
  plan: string,
  opts: { signal?: AbortSignal; timeoutMs?: number; onProgress?: (status: string) => void } = {},
): Promise<'deleted' | 'no-stack'> {
  assertPlanName(plan);
  const run = async (): Promise<'deleted' | 'no-stack'> => {
    const deleting = await uc.heat.deleteStack(plan, opts.signal);
    if (!deleting) return 'no-stack';
    const end = await uc.heat.waitForStack(deleting, {
      timeoutMs: opts.timeoutMs ?? 30 * 60_000,
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.(p.status),
    });
    if (end.stack_status !== 'DELETE_COMPLETE') {
      throw new PlanError('stack-delete-failed', `stack ${plan} ended ${end.stack_status}${end.stack_status_reason ? `: ${end.stack_status_reason}` : ''}`);
    }
    return 'deleted';
  };
  // a plan whose container is gone can still have a stack to remove
  if (!(await uc.swift.containerMetadata(plan, opts.signal))) return run();
  return withPlanLock(uc.swift, plan, 'stack delete', run, { signal: opts.signal });
}

/** Cancels a running (or paused) execution; one that has ended is refused with its state. */
export async function cancelExecution(uc: Undercloud, id: string, signal?: AbortSignal): Promise<MistralExecution> {
  const ex = await uc.mistral.getExecution(id, signal);
  if (!ex) throw new PlanError('no-execution', `execution ${id} does not exist`);
  if (!ACTIVE.has(ex.state)) throw new PlanError('not-running', `execution ${id} (${ex.workflow_name}) has already ended: ${ex.state}`);
  return uc.mistral.updateExecutionState(id, 'CANCELLED', { stateInfo: 'cancelled by the user', signal });
}
