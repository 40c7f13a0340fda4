import { HttpError, OpenStackError, RequestInfo, TimeoutError } from './errors';
import { sleep } from './http';
import { KeystoneSession, ServiceRequest } from './keystone';

/** The Ironic API version this client speaks; sent with every request. */
export const IRONIC_API_VERSION = '1.78';

export interface IronicNode {
  uuid: string;
  name: string | null;
  driver: string;
  power_state: string | null;
  target_power_state?: string | null;
  provision_state: string;
  target_provision_state?: string | null;
  maintenance: boolean;
  last_error: string | null;
  properties: Record<string, unknown>;
  driver_info: Record<string, unknown>;
  inspect_interface?: string;
  extra?: Record<string, unknown>;
}

export interface IronicPort {
  uuid: string;
  address: string;
  node_uuid: string;
}

export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

export type ProvisionTarget = 'manage' | 'provide' | 'inspect' | 'deploy' | 'undeploy' | 'abort' | 'clean' | 'adopt';
export type PowerTarget = 'power on' | 'power off' | 'rebooting';

/** States a node lands in when the operation it was in failed. */
const FAILED_STATES = new Set(['deploy failed', 'clean failed', 'inspect failed', 'adopt failed', 'rescue failed', 'unrescue failed', 'error']);

const enc = encodeURIComponent;

/** Ironic bare-metal service: nodes, ports, provision and power states. */
export class IronicClient {
  constructor(private readonly session: KeystoneSession) {}

  private json<T>(method: string, path: string, extra: Partial<ServiceRequest> = {}): Promise<T> {
    return this.session.json<T>({
      service: 'ironic',
      serviceType: 'baremetal',
      method,
      path,
      ...extra,
      headers: { 'X-OpenStack-Ironic-API-Version': IRONIC_API_VERSION, ...extra.headers },
    });
  }

  async listNodes(signal?: AbortSignal): Promise<IronicNode[]> {
    const out: IronicNode[] = [];
    let path: string | undefined = '/v1/nodes/detail?limit=200';
    while (path) {
      const page: { nodes: IronicNode[]; next?: string } = await this.json('GET', path, { signal });
      out.push(...page.nodes);
      // `next` is a full URL: the session accepts it as it is
      path = page.next && page.nodes.length ? page.next : undefined;
    }
    return out;
  }

  /** The names of the hardware types (drivers) enabled in Ironic. */
  async listDrivers(signal?: AbortSignal): Promise<string[]> {
    return (await this.json<{ drivers: { name: string }[] }>('GET', '/v1/drivers', { signal })).drivers.map((d) => d.name);
  }

  /** A node by UUID or name, or undefined. */
  async getNode(id: string, signal?: AbortSignal): Promise<IronicNode | undefined> {
    try {
      return await this.json<IronicNode>('GET', `/v1/nodes/${enc(id)}`, { signal });
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  createNode(
    node: {
      driver: string;
      name?: string;
      uuid?: string;
      driver_info?: Record<string, unknown>;
      properties?: Record<string, unknown>;
      inspect_interface?: string;
      extra?: Record<string, unknown>;
    },
    signal?: AbortSignal,
  ): Promise<IronicNode> {
    return this.json<IronicNode>('POST', '/v1/nodes', { body: node, signal });
  }

  updateNode(id: string, patch: JsonPatchOperation[], signal?: AbortSignal): Promise<IronicNode> {
    return this.json<IronicNode>('PATCH', `/v1/nodes/${enc(id)}`, { body: patch, signal, idempotent: true });
  }

  /** Deletes a node (Ironic refuses active ones); a missing one is not an error. */
  async deleteNode(id: string, signal?: AbortSignal): Promise<void> {
    await this.session.request({
      service: 'ironic',
      serviceType: 'baremetal',
      method: 'DELETE',
      path: `/v1/nodes/${enc(id)}`,
      headers: { 'X-OpenStack-Ironic-API-Version': IRONIC_API_VERSION },
      okStatuses: [404],
      signal,
    });
  }

  createPort(nodeUuid: string, address: string, signal?: AbortSignal): Promise<IronicPort> {
    return this.json<IronicPort>('POST', '/v1/ports', { body: { node_uuid: nodeUuid, address }, signal });
  }

  async listPorts(filter: { node?: string; address?: string } = {}, signal?: AbortSignal): Promise<IronicPort[]> {
    const q = new URLSearchParams({ detail: 'true', limit: '1000' });
    if (filter.node) q.set('node', filter.node);
    if (filter.address) q.set('address', filter.address);
    return (await this.json<{ ports: IronicPort[] }>('GET', `/v1/ports?${q}`, { signal })).ports;
  }

  async deletePort(uuid: string, signal?: AbortSignal): Promise<void> {
    await this.session.request({
      service: 'ironic',
      serviceType: 'baremetal',
      method: 'DELETE',
      path: `/v1/ports/${enc(uuid)}`,
      headers: { 'X-OpenStack-Ironic-API-Version': IRONIC_API_VERSION },
      okStatuses: [404],
      signal,
    });
  }

  /** Asks for a provision state change; Ironic answers 202 and works in the background. */
  async setProvisionState(id: string, target: ProvisionTarget, signal?: AbortSignal): Promise<void> {
    await this.json('PUT', `/v1/nodes/${enc(id)}/states/provision`, { body: { target }, signal, idempotent: false });
  }

  async setPowerState(id: string, target: PowerTarget, signal?: AbortSignal): Promise<void> {
    await this.json('PUT', `/v1/nodes/${enc(id)}/states/power`, { body: { target }, signal, idempotent: false });
  }

  /** Waits until the node is in one of `targets`; a failed state or a new last_error ends the wait with an error. */
  async waitForProvisionState(
    id: string,
    targets: string | string[],
    opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
  ): Promise<IronicNode> {
    const want = new Set(Array.isArray(targets) ? targets : [targets]);
    return this.waitFor(
      id,
      `provision state ${[...want].join(' or ')}`,
      (n) => {
        if (want.has(n.provision_state) && !n.target_provision_state) return true;
        if (FAILED_STATES.has(n.provision_state) && !want.has(n.provision_state)) {
          throw new OpenStackError(`ironic: node ${n.name ?? n.uuid} went to "${n.provision_state}"${n.last_error ? `: ${n.last_error}` : ''}`, {
            service: 'ironic',
            method: 'WAIT',
            url: `node ${id}`,
          });
        }
        return false;
      },
      opts,
    );
  }

  async waitForPowerState(
    id: string,
    target: 'power on' | 'power off',
    opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
  ): Promise<IronicNode> {
    return this.waitFor(id, `power state ${target}`, (n) => n.power_state === target && !n.target_power_state, opts);
  }

  private async waitFor(
    id: string,
    what: string,
    done: (n: IronicNode) => boolean,
    opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal },
  ): Promise<IronicNode> {
    const info: RequestInfo = { service: 'ironic', method: 'WAIT', url: `node ${id} ${what}` };
    const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
    for (;;) {
      const n = await this.getNode(id, opts.signal);
      if (!n) throw new OpenStackError(`ironic: node ${id} disappeared while waiting for ${what}`, info);
      if (done(n)) return n;
      if (Date.now() > deadline) throw new TimeoutError(info, opts.timeoutMs ?? 300_000);
      await sleep(opts.intervalMs ?? 1000, opts.signal, info);
    }
  }
}
