import { NotificationType } from 'vscode-languageserver-protocol';
import { redactValue } from '../openstack/redact';

/** What the extension tells the language server of the plan it is connected to (no credentials: masked before sending). */
export interface PlanState {
  /** the plan's name in the undercloud */
  plan: string;
  /** URI of the local folder the plan is made from, when known: the state then applies to its files only */
  planFolder?: string;
  /** plan-relative paths of the environments selected in the plan, in order */
  environments: string[];
  /** the plan's parameter values */
  parameters: Record<string, unknown>;
  /** names of the plan's hidden (NoEcho) parameters */
  hidden?: string[];
}

/** The notification that carries a PlanState (or null when no plan is connected) to the server. */
export const PLAN_STATE_NOTIFICATION = new NotificationType<PlanState | null>('tripleo/planState');

/** A copy whose hidden and secret-looking values are masked, at any depth (the one rule of openstack/redact). */
export function maskPlanState(state: PlanState): PlanState {
  const hidden = new Set(state.hidden ?? []);
  const parameters = redactValue(state.parameters ?? {}, hidden) as Record<string, unknown>;
  return { plan: state.plan, planFolder: state.planFolder, environments: [...(state.environments ?? [])], parameters, hidden: [...hidden] };
}
