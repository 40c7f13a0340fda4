import { HttpError } from './errors';
import { StreamBody } from './http';
import { KeystoneSession, ServiceRequest } from './keystone';

export interface GlanceImage {
  id: string;
  name: string | null;
  status: string;
  disk_format?: string | null;
  container_format?: string | null;
  size?: number | null;
  /** MD5 of the data */
  checksum?: string | null;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  visibility?: string;
  created_at?: string;
  updated_at?: string;
  /** custom properties (kernel_id, ramdisk_id...) are top-level strings */
  [property: string]: unknown;
}

export interface NewImage {
  name: string;
  disk_format: string;
  container_format: string;
  visibility?: 'public' | 'private' | 'shared' | 'community';
  /** custom properties, e.g. kernel_id and ramdisk_id */
  properties?: Record<string, string>;
}

export interface GlanceOptions {
  /** Use this endpoint instead of the catalog's (a proxy in front of Glance). */
  endpoint?: string;
}

const enc = encodeURIComponent;

/** Glance image service v2: image records and their data. */
export class GlanceClient {
  constructor(
    private readonly session: KeystoneSession,
    private readonly opts: GlanceOptions = {},
  ) {}

  private call(method: string, path: string, extra: Partial<ServiceRequest> = {}): ServiceRequest {
    const base = this.opts.endpoint?.replace(/\/+$/, '');
    return { service: 'glance', serviceType: 'image', method, path: base ? `${base}${path}` : path, ...extra };
  }

  private json<T>(method: string, path: string, extra: Partial<ServiceRequest> = {}): Promise<T> {
    return this.session.json<T>(this.call(method, path, extra));
  }

  /** Every image visible to the project (following Glance's `next` links), optionally by exact name. */
  async listImages(filter: { name?: string } = {}, signal?: AbortSignal): Promise<GlanceImage[]> {
    const q = new URLSearchParams({ limit: '200' });
    if (filter.name !== undefined) q.set('name', filter.name);
    const out: GlanceImage[] = [];
    let path: string | undefined = `/v2/images?${q}`;
    while (path) {
      const page: { images: GlanceImage[]; next?: string } = await this.json('GET', path, { signal });
      out.push(...page.images);
      path = page.next && page.images.length ? page.next : undefined;
    }
    return out;
  }

  async getImage(id: string, signal?: AbortSignal): Promise<GlanceImage | undefined> {
    try {
      return await this.json<GlanceImage>('GET', `/v2/images/${enc(id)}`, { signal });
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  createImage(image: NewImage, signal?: AbortSignal): Promise<GlanceImage> {
    const { properties, ...fields } = image;
    return this.json<GlanceImage>('POST', '/v2/images', { body: { ...fields, ...properties }, signal });
  }

  /** Sets (or adds) properties and fields such as the name. */
  updateImage(id: string, changes: Record<string, string>, signal?: AbortSignal): Promise<GlanceImage> {
    const patch = Object.entries(changes).map(([k, v]) => ({ op: 'replace', path: `/${k}`, value: v }));
    return this.json<GlanceImage>('PATCH', `/v2/images/${enc(id)}`, {
      body: JSON.stringify(patch),
      headers: { 'Content-Type': 'application/openstack-images-v2.1-json-patch' },
      signal,
      idempotent: true,
    });
  }

  /**
   * Uploads the image's data from a stream of exactly `size` bytes. Not retried: a broken upload
   * leaves the image to be deleted by the caller. Content-Length is sent because Glance behind
   * uwsgi cannot read a chunked body.
   */
  async uploadData(id: string, body: StreamBody, size: number, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    await this.session.request(
      this.call('PUT', `/v2/images/${enc(id)}/file`, {
        body,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
        signal: opts.signal,
        timeoutMs: opts.timeoutMs ?? 3_600_000,
        idempotent: false,
      }),
    );
  }

  /** Deletes an image; a missing one is not an error. */
  async deleteImage(id: string, signal?: AbortSignal): Promise<void> {
    await this.session.request(this.call('DELETE', `/v2/images/${enc(id)}`, { okStatuses: [404], signal }));
  }
}
