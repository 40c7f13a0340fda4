import { KeystoneSession, ServiceRequest } from './keystone';

/** 2.61: a flavor's details carry its extra specs, so one listing shows every profile. */
export const NOVA_API_VERSION = '2.61';

export interface NovaFlavor {
  id: string;
  name: string;
  ram: number;
  vcpus: number;
  disk: number;
  'os-flavor-access:is_public'?: boolean;
  extra_specs?: Record<string, string>;
}

export interface NewFlavor {
  name: string;
  ram: number;
  vcpus: number;
  disk: number;
}

const enc = encodeURIComponent;

/** Nova compute API, the flavor part: flavors and their extra specs. */
export class NovaClient {
  constructor(private readonly session: KeystoneSession) {}

  private json<T>(method: string, path: string, extra: Partial<ServiceRequest> = {}): Promise<T> {
    return this.session.json<T>({
      service: 'nova',
      serviceType: 'compute',
      method,
      path,
      ...extra,
      headers: { 'OpenStack-API-Version': `compute ${NOVA_API_VERSION}`, ...extra.headers },
    });
  }

  /** Every flavor, public or not, with its extra specs. */
  async listFlavors(signal?: AbortSignal): Promise<NovaFlavor[]> {
    const out: NovaFlavor[] = [];
    let marker = '';
    for (;;) {
      const q = new URLSearchParams({ is_public: 'None', limit: '1000' });
      if (marker) q.set('marker', marker);
      const page = await this.json<{ flavors: NovaFlavor[] }>('GET', `/flavors/detail?${q}`, { signal });
      out.push(...page.flavors);
      if (page.flavors.length < 1000) return out;
      marker = page.flavors[page.flavors.length - 1].id;
    }
  }

  async createFlavor(flavor: NewFlavor, signal?: AbortSignal): Promise<NovaFlavor> {
    return (await this.json<{ flavor: NovaFlavor }>('POST', '/flavors', { body: { flavor }, signal })).flavor;
  }

  /** Adds or overwrites the given extra specs; others stay. */
  async setExtraSpecs(id: string, specs: Record<string, string>, signal?: AbortSignal): Promise<Record<string, string>> {
    return (
      await this.json<{ extra_specs: Record<string, string> }>('POST', `/flavors/${enc(id)}/os-extra_specs`, {
        body: { extra_specs: specs },
        signal,
        idempotent: true,
      })
    ).extra_specs;
  }

  async deleteFlavor(id: string, signal?: AbortSignal): Promise<void> {
    await this.session.request({ service: 'nova', serviceType: 'compute', method: 'DELETE', path: `/flavors/${enc(id)}`, okStatuses: [404], signal });
  }
}
