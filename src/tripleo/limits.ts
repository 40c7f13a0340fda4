import { PlanError } from './errors';

/**
 * What may reach Mistral. Its workflows hold a plan's files and a node list in one execution
 * context (stored in its database on every task): a 50 MB file or 25,000 nodes made the shared
 * Mistral unresponsive for minutes. Refused before anything is sent, with the limit named.
 */
export const LIMITS = {
  /** one plan file (Heat itself takes templates up to this size here) */
  fileBytes: 5 * 1024 * 1024,
  /** all the files of a plan */
  planBytes: 64 * 1024 * 1024,
  /** nodes registered by one workflow execution */
  nodesPerRequest: 1000,
};

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Refuses a plan whose files Mistral would have to hold at once. */
export function checkPlanSize(files: readonly { name: string; size: number }[], where: string): void {
  const big = files.filter((f) => f.size > LIMITS.fileBytes).sort((a, b) => b.size - a.size);
  if (big.length) {
    throw new PlanError(
      'plan-too-large',
      `${where}: a plan file may be at most ${mb(LIMITS.fileBytes)} (the workflows read every file into Mistral)`,
      big.map((f) => `${f.name} is ${mb(f.size)}`),
    );
  }
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > LIMITS.planBytes)
    throw new PlanError('plan-too-large', `${where}: the plan's files add up to ${mb(total)}, more than the ${mb(LIMITS.planBytes)} a plan may have`);
}

export function checkNodeCount(count: number): void {
  if (count > LIMITS.nodesPerRequest) {
    throw new PlanError('too-many-nodes', `${count} nodes in one request: at most ${LIMITS.nodesPerRequest} nodes can be registered at once; split the file`);
  }
}
