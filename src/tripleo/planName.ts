import { PlanError } from './errors';

// Plan names become Swift container names and Heat stack names: Heat's rule is the stricter one.
const STACK_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

/** Why a plan name is not acceptable, or undefined when it is. */
export function planNameProblem(name: string): string | undefined {
  if (!name) return 'a plan name is required';
  if (name.length > 255) return `"${name.slice(0, 20)}…" is longer than 255 characters`;
  if (!/^[a-zA-Z]/.test(name)) return `"${name}" must start with a letter (it becomes the Heat stack name)`;
  if (!STACK_NAME.test(name)) {
    const bad = [...new Set(name.replace(/[a-zA-Z0-9_.-]/g, ''))].map((c) => JSON.stringify(c)).join(' ');
    return `"${name}" may only contain letters, digits, "_", "." and "-" (it becomes the Heat stack name), not ${bad}`;
  }
  return undefined;
}

export function assertPlanName(name: string): void {
  const problem = planNameProblem(name);
  if (problem) throw new PlanError('invalid-plan-name', `invalid plan name: ${problem}`);
}
