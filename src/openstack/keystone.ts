import { AuthError, EndpointNotFoundError, HttpError } from './errors';
import { HttpClient, HttpRequest } from './http';
import type { Response } from 'node-fetch';

export type Interface = 'public' | 'internal' | 'admin';

/** What openstacksdk calls `auth` plus the endpoint choice; every field optional but authUrl. */
export interface AuthOptions {
  authUrl: string;
  username?: string;
  userId?: string;
  password?: string;
  userDomainName?: string;
  userDomainId?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  /** e.g. "all" for system scope */
  systemScope?: string;
  regionName?: string;
  interface?: Interface;
}

export interface CatalogEndpoint {
  id: string;
  interface: string;
  region?: string;
  region_id?: string;
  url: string;
}

export interface CatalogService {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export interface Token {
  id: string;
  expiresAt: Date;
  issuedAt: Date;
  user: { id: string; name: string; domain?: { id: string; name: string } };
  project?: { id: string; name: string; domain?: { id: string; name: string } };
  system?: Record<string, unknown>;
  roles: string[];
  catalog: CatalogService[];
}

export interface KeystoneOptions {
  /** Renew the token this long before it expires. */
  renewBeforeMs?: number;
}

export interface ServiceRequest extends Omit<HttpRequest, 'url' | 'service'> {
  /** Catalog service type, e.g. "object-store". */
  serviceType: string;
  /** Short name for errors and logs; defaults to the service type. */
  service?: string;
  /** Appended to the endpoint URL (may start with "/"); or a full URL. */
  path: string;
}

export function normalizeAuthUrl(url: string): string {
  const u = url.replace(/\/+$/, '');
  return /\/v3$/.test(u) ? u : /\/v2\.0$/.test(u) ? u.replace(/\/v2\.0$/, '/v3') : `${u}/v3`;
}

/**
 * A Keystone v3 session: authenticates once, reuses the token until shortly before it
 * expires, renews it without the caller noticing (also once after a 401), and finds
 * endpoints in the catalog.
 */
export class KeystoneSession {
  readonly authUrl: string;
  private token?: Token;
  private pending?: Promise<Token>;
  private readonly renewBeforeMs: number;
  /** Called when a (re)authentication is refused, e.g. the password changed since connecting. */
  onAuthenticationFailed?: (e: AuthError) => void;

  constructor(
    readonly http: HttpClient,
    private readonly auth: AuthOptions,
    opts: KeystoneOptions = {},
  ) {
    this.authUrl = normalizeAuthUrl(auth.authUrl);
    this.renewBeforeMs = opts.renewBeforeMs ?? 60_000;
  }

  get region(): string | undefined {
    return this.auth.regionName;
  }

  get interface(): Interface {
    return this.auth.interface ?? 'public';
  }

  /** The current token, authenticating or renewing when needed. */
  async getToken(signal?: AbortSignal): Promise<Token> {
    if (this.token && this.token.expiresAt.getTime() - Date.now() > this.renewBeforeMs) return this.token;
    return this.authenticate(signal);
  }

  /** Forgets the current token: the next request authenticates again. */
  invalidate(): void {
    this.token = undefined;
  }

  authenticate(signal?: AbortSignal): Promise<Token> {
    // concurrent callers share one authentication
    this.pending ??= this.issueToken(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async issueToken(signal?: AbortSignal): Promise<Token> {
    const res = await this.http
      .request({
        service: 'keystone',
        method: 'POST',
        url: `${this.authUrl}/auth/tokens`,
        body: { auth: this.authBody() },
        idempotent: true,
        signal,
      })
      .catch((e) => {
        if (e instanceof HttpError && (e.status === 401 || e.status === 400 || e.status === 404)) {
          const failure = new AuthError(`authentication to ${this.authUrl} failed: ${e.serviceMessage || `HTTP ${e.status}`}`, e.request);
          this.onAuthenticationFailed?.(failure);
          throw failure;
        }
        throw e;
      });
    const id = res.headers.get('x-subject-token');
    const body = (await res.json()) as { token: Record<string, any> };
    if (!id)
      throw new AuthError(`Keystone at ${this.authUrl} returned no X-Subject-Token`, {
        service: 'keystone',
        method: 'POST',
        url: `${this.authUrl}/auth/tokens`,
      });
    const t = body.token;
    this.token = {
      id,
      expiresAt: new Date(t.expires_at),
      issuedAt: new Date(t.issued_at ?? Date.now()),
      user: t.user,
      project: t.project,
      system: t.system,
      roles: (t.roles ?? []).map((r: { name: string }) => r.name),
      catalog: t.catalog ?? [],
    };
    this.http.logger.info(
      `authenticated to ${this.authUrl} as ${t.user?.name}` +
        (t.project ? ` in project ${t.project.name}` : t.system ? ' with system scope' : '') +
        `, token valid until ${this.token.expiresAt.toISOString()}`,
    );
    return this.token;
  }

  private authBody(): Record<string, unknown> {
    const a = this.auth;
    const domain = (id?: string, name?: string) => (id ? { id } : { name: name ?? 'Default' });
    let identity: Record<string, unknown>;
    if (a.applicationCredentialId || a.applicationCredentialName) {
      const cred: Record<string, unknown> = { secret: a.applicationCredentialSecret };
      if (a.applicationCredentialId) cred.id = a.applicationCredentialId;
      else {
        cred.name = a.applicationCredentialName;
        cred.user = a.userId ? { id: a.userId } : { name: a.username, domain: domain(a.userDomainId, a.userDomainName) };
      }
      // an application credential carries its own scope
      return { identity: { methods: ['application_credential'], application_credential: cred } };
    }
    const user = a.userId
      ? { id: a.userId, password: a.password }
      : { name: a.username, domain: domain(a.userDomainId, a.userDomainName), password: a.password };
    identity = { methods: ['password'], password: { user } };
    let scope: Record<string, unknown> | undefined;
    if (a.systemScope) scope = { system: { [a.systemScope]: true } };
    else if (a.projectId) scope = { project: { id: a.projectId } };
    else if (a.projectName) scope = { project: { name: a.projectName, domain: domain(a.projectDomainId, a.projectDomainName) } };
    return scope ? { identity, scope } : { identity };
  }

  /** The URL of a service from the token's catalog, by type, interface and region. */
  async endpoint(serviceType: string, opts: { interface?: Interface; region?: string; signal?: AbortSignal } = {}): Promise<string> {
    const token = await this.getToken(opts.signal);
    return findEndpoint(token.catalog, serviceType, opts.interface ?? this.interface, opts.region ?? this.region, this.authUrl);
  }

  /** A request to a service with the token attached; on 401 the token is renewed once and the request retried. */
  async request(req: ServiceRequest): Promise<Response> {
    const service = req.service ?? req.serviceType;
    for (let attempt = 1; ; attempt++) {
      const token = await this.getToken(req.signal);
      const base = /^https?:\/\//.test(req.path)
        ? ''
        : findEndpoint(token.catalog, req.serviceType, this.interface, this.region, this.authUrl).replace(/\/+$/, '');
      const url = base ? `${base}${req.path.startsWith('/') ? '' : '/'}${req.path}` : req.path;
      try {
        return await this.http.request({ ...req, service, url, headers: { ...req.headers, 'X-Auth-Token': token.id } });
      } catch (e) {
        if (e instanceof HttpError && e.status === 401 && attempt === 1) {
          this.http.logger.info(`${service} answered 401; renewing the token and retrying once`);
          if (this.token === token) this.invalidate();
          continue;
        }
        throw e;
      }
    }
  }

  async json<T>(req: ServiceRequest): Promise<T> {
    const res = await this.request({ ...req, headers: { Accept: 'application/json', ...req.headers } });
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Revokes the current token (logout). */
  async revoke(): Promise<void> {
    if (!this.token) return;
    const id = this.token.id;
    this.token = undefined;
    await this.http.request({
      service: 'keystone',
      method: 'DELETE',
      url: `${this.authUrl}/auth/tokens`,
      headers: { 'X-Auth-Token': id, 'X-Subject-Token': id },
      okStatuses: [404],
    });
  }
}

export function findEndpoint(catalog: CatalogService[], type: string, iface: Interface, region: string | undefined, authUrl: string): string {
  const services = catalog.filter((s) => s.type === type);
  const candidates = services.flatMap((s) => s.endpoints).filter((e) => e.interface === iface);
  const inRegion = region ? candidates.filter((e) => (e.region_id ?? e.region) === region) : candidates;
  const hit = inRegion[0];
  if (!hit) {
    const known = [...new Set(catalog.map((s) => s.type))].sort().join(', ');
    throw new EndpointNotFoundError(
      `no ${iface} endpoint for service type "${type}"${region ? ` in region ${region}` : ''} in the catalog (it has: ${known || 'nothing'})`,
      { service: 'keystone', method: 'catalog', url: authUrl },
    );
  }
  return hit.url;
}
