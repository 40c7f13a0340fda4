import { SwiftClient } from '../openstack/swift';
import { PLAN_CONTAINER_META } from './undercloud';

export interface PlanSummary {
  name: string;
  objects: number;
  bytes: number;
}

/** Containers marked as deployment plans (X-Container-Meta-Usage-Tripleo: plan). */
export async function listPlanContainers(swift: SwiftClient, signal?: AbortSignal): Promise<PlanSummary[]> {
  const containers = await swift.listContainers({ signal });
  const marked = await Promise.all(
    containers.map(async (c) => ((await swift.containerMetadata(c.name, signal))?.[PLAN_CONTAINER_META] === 'plan' ? c : undefined)),
  );
  return marked.filter((c): c is NonNullable<typeof c> => !!c).map((c) => ({ name: c.name, objects: c.count, bytes: c.bytes }));
}
