import { HttpError, OpenStackError, RequestInfo, TimeoutError } from './errors';
import { sleep } from './http';
import { KeystoneSession, ServiceRequest } from './keystone';

export interface IntrospectionStatus {
  uuid: string;
  finished: boolean;
  error: string | null;
  state: string;
  started_at?: string;
  finished_at?: string | null;
}

const enc = encodeURIComponent;

/** ironic-inspector: introspection of bare-metal nodes and the data it collected. */
export class InspectorClient {
  constructor(private readonly session: KeystoneSession) {}

  private req(method: string, path: string, extra: Partial<ServiceRequest> = {}) {
    return { service: 'ironic-inspector', serviceType: 'baremetal-introspection', method, path, ...extra };
  }

  /** Starts introspecting a node (which must be manageable); inspector answers 202. */
  async start(node: string, signal?: AbortSignal): Promise<void> {
    await this.session.request(this.req('POST', `/v1/introspection/${enc(node)}`, { signal, idempotent: false }));
  }

  async status(node: string, signal?: AbortSignal): Promise<IntrospectionStatus | undefined> {
    try {
      return await this.session.json<IntrospectionStatus>(this.req('GET', `/v1/introspection/${enc(node)}`, { signal }));
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  async list(signal?: AbortSignal): Promise<IntrospectionStatus[]> {
    return (await this.session.json<{ introspection: IntrospectionStatus[] }>(this.req('GET', '/v1/introspection', { signal }))).introspection;
  }

  async abort(node: string, signal?: AbortSignal): Promise<void> {
    await this.session.request(this.req('POST', `/v1/introspection/${enc(node)}/abort`, { signal, idempotent: false }));
  }

  /** What the ramdisk reported (inventory and processed data). */
  data(node: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.session.json<Record<string, unknown>>(this.req('GET', `/v1/introspection/${enc(node)}/data`, { signal }));
  }

  /** Waits until the introspection finished; one that finished with an error throws it. */
  async waitForIntrospection(node: string, opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {}): Promise<IntrospectionStatus> {
    const info: RequestInfo = { service: 'ironic-inspector', method: 'WAIT', url: `introspection of ${node}` };
    const deadline = Date.now() + (opts.timeoutMs ?? 20 * 60_000);
    for (;;) {
      const s = await this.status(node, opts.signal);
      if (s?.finished) {
        if (s.error) throw new OpenStackError(`ironic-inspector: introspection of ${node} failed: ${s.error}`, info);
        return s;
      }
      if (Date.now() > deadline) throw new TimeoutError(info, opts.timeoutMs ?? 20 * 60_000);
      await sleep(opts.intervalMs ?? 2000, opts.signal, info);
    }
  }
}
