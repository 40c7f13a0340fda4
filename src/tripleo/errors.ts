/** A TripleO-level refusal or failure, with a stable code clients can act on. */
export class PlanError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: string[] = [],
  ) {
    super(details.length ? `${message}: ${details.join('; ')}` : message);
    this.name = 'PlanError';
  }
}
