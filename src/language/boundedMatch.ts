import * as vm from 'node:vm';

/**
 * Heat checks allowed_pattern with Python's re, which backtracks without bound. A template of an
 * untrusted workspace may hold a pattern such as `(a+)+b`: the check runs in a separate V8 context
 * with a deadline, so a pattern can cost at most MATCH_DEADLINE_MS and never stops the server.
 */
export const MATCH_DEADLINE_MS = 100;

/**
 * A busy machine can stall any match past the deadline: a pattern gets one longer try before it is
 * taken for one that backtracks without end; from then on it gets the short deadline only.
 */
const SECOND_CHANCE_MS = 2_000;
const backtracking = new Set<string>();

/** Values and patterns longer than this are not checked here at all (Heat still checks them). */
export const MAX_CHECKED_LENGTH = 20_000;

const context = vm.createContext(Object.create(null));
const script = new vm.Script('(function (m) { return m ? m[0].length : -1; })(new RegExp(pattern).exec(value))');
const decided = new Map<string, boolean | undefined>();
const REMEMBERED = 2_000;

function matchWithin(pattern: string, value: string, timeout: number): boolean | undefined {
  try {
    Object.assign(context, { pattern: `^(?:${pattern})`, value });
    return (script.runInContext(context, { timeout }) as number) === value.length;
  } catch {
    // the deadline (ERR_SCRIPT_EXECUTION_TIMEOUT) or the regexp engine's own stack limit
    return undefined;
  } finally {
    Object.assign(context, { pattern: undefined, value: undefined });
  }
}

/**
 * Heat's rule: re.match from the start, and the match must reach the end of the value. True or
 * false when decided; undefined when the check could not finish in time (or is too big to try).
 * A pattern JavaScript cannot compile counts as matching (Heat's syntax is Python's, not ours).
 */
export function fullMatch(pattern: string, value: string): boolean | undefined {
  if (pattern.length > MAX_CHECKED_LENGTH || value.length > MAX_CHECKED_LENGTH) return undefined;
  const key = `${pattern.length}:${pattern}${value}`;
  if (decided.has(key)) return decided.get(key);
  let result: boolean | undefined;
  try {
    new RegExp(pattern);
  } catch {
    return true;
  }
  result = matchWithin(pattern, value, MATCH_DEADLINE_MS);
  if (result === undefined && !backtracking.has(pattern)) {
    result = matchWithin(pattern, value, SECOND_CHANCE_MS);
    if (result === undefined) backtracking.add(pattern);
  }
  if (decided.size >= REMEMBERED) decided.delete(decided.keys().next().value as string);
  decided.set(key, result);
  return result;
}
