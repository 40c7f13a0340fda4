import { createHash } from 'node:crypto';
import { KeystoneSession } from './keystone';
import { OpenStackError } from './errors';

export interface SwiftContainer {
  name: string;
  count: number;
  bytes: number;
  last_modified?: string;
}

export interface SwiftObject {
  name: string;
  hash: string;
  bytes: number;
  content_type: string;
  last_modified: string;
}

export interface ListOptions {
  prefix?: string;
  /** page size; every page is fetched */
  limit?: number;
  signal?: AbortSignal;
}

/**
 * A container or object name as a URL path. A "." or ".." segment would be resolved away by the URL
 * parser (even percent-encoded) and reach another container or the account: refused, as is a
 * container name with "/".
 */
function enc(name: string, kind: 'container' | 'object' = 'object'): string {
  const segments = name.split('/');
  if (!name || (kind === 'container' && segments.length > 1) || segments.some((s) => s === '.' || s === '..')) {
    throw new OpenStackError(`swift: invalid ${kind} name ${JSON.stringify(name)}`, { service: 'swift', method: '-', url: name });
  }
  return segments.map(encodeURIComponent).join('/');
}
const encContainer = (name: string) => enc(name, 'container');

/** Swift object storage: containers, objects and their metadata. */
export class SwiftClient {
  constructor(private readonly session: KeystoneSession) {}

  private req(method: string, path: string, extra: Partial<Parameters<KeystoneSession['request']>[0]> = {}) {
    return this.session.request({ service: 'swift', serviceType: 'object-store', method, path, ...extra });
  }

  async account(signal?: AbortSignal): Promise<{ containers: number; objects: number; bytes: number; metadata: Record<string, string> }> {
    const res = await this.req('HEAD', '', { signal });
    return {
      containers: Number(res.headers.get('x-account-container-count') ?? 0),
      objects: Number(res.headers.get('x-account-object-count') ?? 0),
      bytes: Number(res.headers.get('x-account-bytes-used') ?? 0),
      metadata: metaFrom(res.headers, 'x-account-meta-'),
    };
  }

  /** Every container, following `marker` through pages of `limit`. */
  listContainers(opts: ListOptions = {}): Promise<SwiftContainer[]> {
    return this.listAll<SwiftContainer>('', opts);
  }

  async listObjects(container: string, opts: ListOptions = {}): Promise<SwiftObject[]> {
    return this.listAll<SwiftObject>(`/${encContainer(container)}`, opts);
  }

  private async listAll<T extends { name: string }>(path: string, opts: ListOptions): Promise<T[]> {
    const limit = opts.limit ?? 1000;
    const out: T[] = [];
    let marker = '';
    for (;;) {
      const q = new URLSearchParams({ format: 'json', limit: String(limit) });
      if (marker) q.set('marker', marker);
      if (opts.prefix) q.set('prefix', opts.prefix);
      const page = await this.session.json<T[]>({
        service: 'swift',
        serviceType: 'object-store',
        method: 'GET',
        path: `${path}?${q}`,
        signal: opts.signal,
        okStatuses: [404],
      });
      if (!page || !Array.isArray(page)) break;
      out.push(...page);
      if (page.length < limit) break;
      marker = page[page.length - 1].name;
    }
    return out;
  }

  async createContainer(name: string, metadata: Record<string, string> = {}, signal?: AbortSignal): Promise<void> {
    await this.req('PUT', `/${encContainer(name)}`, { headers: metaHeaders('X-Container-Meta-', metadata), signal });
  }

  /** Object count, bytes and metadata (fresher than the account listing's counts), or undefined when missing. */
  async containerInfo(name: string, signal?: AbortSignal): Promise<{ count: number; bytes: number; metadata: Record<string, string> } | undefined> {
    const res = await this.req('HEAD', `/${encContainer(name)}`, { okStatuses: [404], signal });
    if (res.status === 404) return undefined;
    return {
      count: Number(res.headers.get('x-container-object-count') ?? 0),
      bytes: Number(res.headers.get('x-container-bytes-used') ?? 0),
      metadata: metaFrom(res.headers, 'x-container-meta-'),
    };
  }

  /** Container metadata, or undefined when it does not exist. */
  async containerMetadata(name: string, signal?: AbortSignal): Promise<Record<string, string> | undefined> {
    const res = await this.req('HEAD', `/${encContainer(name)}`, { okStatuses: [404], signal });
    return res.status === 404 ? undefined : metaFrom(res.headers, 'x-container-meta-');
  }

  async setContainerMetadata(name: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<void> {
    await this.req('POST', `/${encContainer(name)}`, { headers: metaHeaders('X-Container-Meta-', metadata), idempotent: true, signal });
  }

  async deleteContainer(name: string, signal?: AbortSignal): Promise<void> {
    await this.req('DELETE', `/${encContainer(name)}`, { okStatuses: [404], signal });
  }

  /** Uploads an object; Swift checks the MD5 we send as ETag, so a corrupted upload is refused. */
  /** With `ifNoneMatch`, refused (HttpError 412) when the object exists: a compare-and-swap create. */
  async putObject(
    container: string,
    name: string,
    data: Buffer | string,
    opts: { contentType?: string; metadata?: Record<string, string>; ifNoneMatch?: boolean; signal?: AbortSignal } = {},
  ): Promise<string> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const etag = md5(buf);
    const res = await this.req('PUT', `/${encContainer(container)}/${enc(name)}`, {
      body: buf,
      headers: {
        ETag: etag,
        'Content-Type': opts.contentType ?? 'application/octet-stream',
        ...metaHeaders('X-Object-Meta-', opts.metadata ?? {}),
        ...(opts.ifNoneMatch ? { 'If-None-Match': '*' } : {}),
      },
      signal: opts.signal,
    });
    const got = res.headers.get('etag')?.replace(/"/g, '');
    if (got && got !== etag) {
      throw new OpenStackError(`swift: object ${container}/${name} stored with ETag ${got}, expected ${etag}`, {
        service: 'swift',
        method: 'PUT',
        url: `${container}/${name}`,
      });
    }
    return etag;
  }

  async getObject(container: string, name: string, signal?: AbortSignal): Promise<Buffer> {
    const res = await this.req('GET', `/${encContainer(container)}/${enc(name)}`, { signal });
    return res.buffer();
  }

  async getObjectText(container: string, name: string, signal?: AbortSignal): Promise<string> {
    return (await this.getObject(container, name, signal)).toString('utf8');
  }

  async objectMetadata(
    container: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<{ etag: string; bytes: number; metadata: Record<string, string> } | undefined> {
    const res = await this.req('HEAD', `/${encContainer(container)}/${enc(name)}`, { okStatuses: [404], signal });
    if (res.status === 404) return undefined;
    return {
      etag: (res.headers.get('etag') ?? '').replace(/"/g, ''),
      bytes: Number(res.headers.get('content-length') ?? 0),
      metadata: metaFrom(res.headers, 'x-object-meta-'),
    };
  }

  /**
   * Unpacks a tar (or tar.gz) archive into a container in one request (Swift's bulk
   * extract-archive), which is much faster than one PUT per file for a plan of hundreds of files.
   * Throws when Swift refused any file: a partial extract must not pass as success.
   */
  async extractArchive(container: string, archive: Buffer, opts: { gzip?: boolean; signal?: AbortSignal } = {}): Promise<ExtractArchiveResult> {
    const format = opts.gzip ? 'tar.gz' : 'tar';
    const res = await this.req('PUT', `/${encContainer(container)}?extract-archive=${format}`, {
      body: archive,
      headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream' },
      // the archive is written as one unit, and writing it again gives the same objects
      idempotent: true,
      timeoutMs: 300_000,
      signal: opts.signal,
    });
    const body = JSON.parse(await res.text()) as BulkResponse;
    const result = { created: body['Number Files Created'] ?? 0, errors: body.Errors ?? [] };
    if (result.errors.length || !/^20\d/.test(body['Response Status'] ?? '')) {
      const detail = result.errors
        .slice(0, 5)
        .map(([p, e]) => `${p}: ${e}`)
        .join('; ');
      throw new OpenStackError(
        `swift: extract-archive into ${container} failed (${body['Response Status']}${body['Response Body'] ? `: ${body['Response Body']}` : ''})${detail ? `: ${detail}` : ''}`,
        { service: 'swift', method: 'PUT', url: `${container}?extract-archive=${format}` },
      );
    }
    return result;
  }

  /** Server-side copy: no data passes through the client. */
  async copyObject(container: string, name: string, toContainer: string, toName: string, signal?: AbortSignal): Promise<void> {
    await this.req('COPY', `/${encContainer(container)}/${enc(name)}`, {
      headers: { Destination: `/${encContainer(toContainer)}/${enc(toName)}` },
      idempotent: true,
      signal,
    });
  }

  /** Deletes an object; a missing one is not an error. */
  async deleteObject(container: string, name: string, signal?: AbortSignal): Promise<void> {
    await this.req('DELETE', `/${encContainer(container)}/${enc(name)}`, { okStatuses: [404], signal });
  }
}

export interface ExtractArchiveResult {
  created: number;
  /** [object path, error status] for every file Swift refused */
  errors: [string, string][];
}

/** The answer of Swift's bulk middleware, which reports failures in a 200/201 body. */
interface BulkResponse {
  'Number Files Created': number;
  'Response Status': string;
  'Response Body': string;
  Errors: [string, string][];
}

export function md5(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

function metaHeaders(prefix: string, metadata: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) h[`${prefix}${k}`] = v;
  return h;
}

function metaFrom(headers: { forEach(cb: (value: string, key: string) => void): void }, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    if (key.toLowerCase().startsWith(prefix)) out[key.slice(prefix.length).toLowerCase()] = value;
  });
  return out;
}
