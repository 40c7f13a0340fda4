import { NotificationType } from 'vscode-languageserver-protocol';

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

export const MASK = '******';

// TripleO declares its passwords hidden, but a plan's values may name a secret no template declares.
const SECRET_NAME = /password|secret|token|credential|private_?key|passphrase/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A copy whose hidden and secret-looking values are masked. */
export function maskPlanState(state: PlanState): PlanState {
  const hidden = new Set(state.hidden ?? []);
  const parameters: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(state.parameters ?? {})) parameters[name] = hidden.has(name) || isSecretName(name) ? MASK : value;
  return { plan: state.plan, planFolder: state.planFolder, environments: [...(state.environments ?? [])], parameters, hidden: [...hidden] };
}
