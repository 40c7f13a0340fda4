/** A TripleO-level refusal or failure, with a stable code clients can act on. */
export class PlanError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: string[] = [],
  ) {
    super(details.length ? `${message}: ${summarize(details)}` : message);
    this.name = 'PlanError';
  }
}

/** Parameter values refused (unknown names, or values Heat does not accept), with the parameters it is about. */
export class ParameterError extends PlanError {
  constructor(
    code: 'unknown-parameters' | 'invalid-parameters',
    message: string,
    readonly parameters: string[],
    details: string[] = [],
  ) {
    super(code, message, details);
    this.name = 'ParameterError';
  }
}

/** The first few of a long list and how many more: an error about 10,000 names stays readable. */
export function summarize(items: string[], shown = 20): string {
  return items.length > shown ? `${items.slice(0, shown).join('; ')}; … and ${items.length - shown} more` : items.join('; ');
}
