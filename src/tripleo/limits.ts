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
  /** files in a plan: deploy and the validations read each one in a task of their own */
  planFiles: 5000,
  /** nodes one workflow execution registers: a larger file is sent in batches of this size */
  nodesPerBatch: 250,
  /** the largest batch a caller may ask for */
  maxNodesPerBatch: 1000,
  /** nodes in one file, whatever the batches: the removal step holds every kept uuid at once */
  nodesPerFile: 10_000,
};

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Refuses a plan whose files Mistral would have to hold at once. */
export function checkPlanSize(files: readonly { name: string; size: number }[], where: string): void {
  if (files.length > LIMITS.planFiles)
    throw new PlanError(
      'plan-too-large',
      `${where}: ${files.length} files, more than the ${LIMITS.planFiles} a plan may have (the workflows read every file into Mistral)`,
    );
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
  if (count > LIMITS.nodesPerFile) {
    throw new PlanError(
      'too-many-nodes',
      `${count} nodes in one file: at most ${LIMITS.nodesPerFile} nodes can be imported at once (they are sent in batches of ${LIMITS.nodesPerBatch}); split the file`,
    );
  }
}

/** The batch size asked for, checked; the default when none is. */
export function nodeBatchSize(asked?: number): number {
  if (asked === undefined) return LIMITS.nodesPerBatch;
  if (!Number.isInteger(asked) || asked < 1 || asked > LIMITS.maxNodesPerBatch)
    throw new PlanError('bad-batch-size', `a node batch size must be a whole number from 1 to ${LIMITS.maxNodesPerBatch}, not ${asked}`);
  return asked;
}
