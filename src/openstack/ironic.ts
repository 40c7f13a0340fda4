import { KeystoneSession } from './keystone';

/** The Ironic API version this client speaks; sent with every request. */
export const IRONIC_API_VERSION = '1.58';

export interface IronicNode {
  uuid: string;
  name: string | null;
  driver: string;
  power_state: string | null;
  provision_state: string;
  maintenance: boolean;
  last_error: string | null;
  properties: Record<string, unknown>;
  driver_info: Record<string, unknown>;
}

/** Ironic bare-metal service (the subset used so far). */
export class IronicClient {
  constructor(private readonly session: KeystoneSession) {}

  async listNodes(signal?: AbortSignal): Promise<IronicNode[]> {
    const out: IronicNode[] = [];
    let path: string | undefined = '/v1/nodes/detail?limit=200';
    while (path) {
      const page: { nodes: IronicNode[]; next?: string } = await this.session.json({
        service: 'ironic',
        serviceType: 'baremetal',
        method: 'GET',
        path,
        headers: { 'X-OpenStack-Ironic-API-Version': IRONIC_API_VERSION },
        signal,
      });
      out.push(...page.nodes);
      // `next` is a full URL: the session accepts it as it is
      path = page.next && page.nodes.length ? page.next : undefined;
    }
    return out;
  }
}
