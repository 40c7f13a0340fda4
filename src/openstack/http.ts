import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import * as fs from 'node:fs';
import { setMaxListeners } from 'node:events';
import fetch, { Response, RequestInit } from 'node-fetch';
import { CancelledError, ConnectionError, OpenStackError, HttpError, RequestInfo, TimeoutError } from './errors';
import { redactText, redactUrl } from './redact';

export interface TlsOptions {
  /** PEM file(s) with extra CA certificates to trust. */
  caFile?: string;
  /** More CA files trusted besides caFile (a setting's bundle adds to a profile's own). */
  extraCaFiles?: string[];
  /** Skip certificate verification. Only when a profile explicitly asks for it. */
  insecure?: boolean;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A request body read from a stream (an image file): never held whole in memory. */
export class StreamBody {
  constructor(readonly open: () => NodeJS.ReadableStream) {}
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface HttpRequest {
  service: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  /**
   * Sent as JSON unless it is a string, a Buffer or a StreamBody (called once per attempt, so a
   * retried request reads its data afresh).
   */
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Retry on connection errors and 502/503/504. Defaults to true for GET, HEAD, PUT, DELETE, OPTIONS. */
  idempotent?: boolean;
  /** Statuses that are not errors for this call (e.g. 404 on a HEAD that checks existence). */
  okStatuses?: number[];
}

export interface HttpOptions {
  tls?: TlsOptions;
  logger?: Logger;
  timeoutMs?: number;
  retries?: number;
  /** First backoff delay; doubles on every retry. */
  retryDelayMs?: number;
  userAgent?: string;
}

const RETRY_STATUSES = new Set([502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export class HttpClient {
  readonly logger: Logger;
  private readonly httpsAgent: https.Agent;
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly userAgent: string;
  private disposed = false;
  /** services we already warned about as not answering, until one of their requests succeeds again */
  private readonly outages = new Map<string, string>();

  constructor(opts: HttpOptions = {}) {
    this.logger = opts.logger ?? silentLogger;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.retries = opts.retries ?? 3;
    this.retryDelayMs = opts.retryDelayMs ?? 500;
    this.userAgent = opts.userAgent ?? 'vscode-tripleo';
    const tls = opts.tls ?? {};
    if (tls.insecure) this.logger.warn('TLS certificate verification is OFF for this connection (insecure: true)');
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      rejectUnauthorized: !tls.insecure,
      ca:
        tls.caFile || tls.extraCaFiles?.length
          ? [...rootCertificates, ...[tls.caFile, ...(tls.extraCaFiles ?? [])].filter((f): f is string => !!f).map((f) => fs.readFileSync(f, 'utf8'))]
          : undefined,
    });
  }

  /** Sends a request; resolves with the response when its status is < 400 (or in okStatuses). */
  async request(req: HttpRequest): Promise<Response> {
    const method = req.method.toUpperCase();
    const info: RequestInfo = { service: req.service, method, url: redactUrl(req.url) };
    const idempotent = req.idempotent ?? IDEMPOTENT.has(method);
    const attempts = idempotent ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let res: Response;
      try {
        res = await this.once(req, method, info);
      } catch (e) {
        // a client disposed with requests in flight (a command that already failed) ends them quietly
        if (this.disposed) throw new CancelledError(info);
        if (e instanceof ConnectionError && attempt < attempts) {
          this.retrying(info, attempt, e.message);
          // a kept-alive socket the server had closed: try again at once on a fresh one
          if (attempt > 1 || !/socket hang up|ECONNRESET/.test(e.message)) await this.backoff(attempt, req.signal, info);
          continue;
        }
        throw e;
      }
      this.logger.debug(`${info.service} ${method} ${info.url} -> ${res.status} (${Date.now() - started} ms)`);
      if (res.status < 400 || req.okStatuses?.includes(res.status)) {
        this.recovered(info);
        return res;
      }
      if (RETRY_STATUSES.has(res.status) && attempt < attempts) {
        this.retrying(info, attempt, `${info.service} ${method} ${info.url} -> ${res.status}`);
        await res.text().catch(() => '');
        await this.backoff(attempt, req.signal, info);
        continue;
      }
      throw await httpError(info, res);
    }
  }

  /**
   * A retry that succeeds is no news: the first retry is logged at debug level only; once a second
   * one is needed, one warning per service says it is not answering, however many requests wait.
   */
  private retrying(info: RequestInfo, attempt: number, reason: string): void {
    this.logger.debug(`${reason}; retry ${attempt}`);
    if (attempt < 2 || this.outages.has(info.service)) return;
    const why = reason
      .replace(/^.*(?:reason|failed): /, '')
      .replace(/https?:\/\/\S+/g, '')
      .trim();
    this.outages.set(info.service, why);
    this.logger.warn(`${info.service} is not answering (${why}); retrying`);
  }

  private recovered(info: RequestInfo): void {
    if (this.outages.delete(info.service)) this.logger.info(`${info.service} answers again`);
  }

  /** request() then the body parsed as JSON (undefined for an empty body). */
  async json<T>(req: HttpRequest): Promise<T> {
    const res = await this.request({ ...req, headers: { Accept: 'application/json', ...req.headers } });
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async once(req: HttpRequest, method: string, info: RequestInfo): Promise<Response> {
    if (req.signal?.aborted || this.disposed) throw new CancelledError(info);
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    // one caller's signal is shared by many requests in flight (parallel uploads)
    if (req.signal) setMaxListeners(0, req.signal);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...req.headers };
    let body: RequestInit['body'];
    if (req.body !== undefined) {
      if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) body = req.body;
      else if (req.body instanceof StreamBody) body = req.body.open();
      else {
        body = JSON.stringify(req.body);
        headers['Content-Type'] ??= 'application/json';
      }
    }
    try {
      let url = req.url;
      let hopMethod = method;
      for (let hop = 0; ; hop++) {
        const res = await fetch(url, {
          method: hopMethod,
          headers,
          body,
          // node-fetch's AbortSignal type predates the DOM one; they are the same at run time
          signal: controller.signal as unknown as RequestInit['signal'],
          agent: (u: URL) => (u.protocol === 'https:' ? this.httpsAgent : this.httpAgent),
          // node-fetch would send X-Auth-Token (and a 307's password body) wherever a redirect points
          redirect: 'manual',
          compress: true,
        });
        const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
        if (!location) return res;
        await res.text().catch(() => '');
        const next = new URL(location, url);
        const refusal = redirectRefusal(new URL(url), next, res.status, headers, req.body, hop);
        if (refusal) throw new HttpError(info, res.status, refusal);
        this.logger.debug(`${info.service} ${hopMethod} ${redactUrl(url)} -> ${res.status} ${redactUrl(next.toString())}`);
        if (res.status === 303 || (res.status !== 307 && res.status !== 308 && hopMethod === 'POST')) {
          hopMethod = hopMethod === 'HEAD' ? 'HEAD' : 'GET';
          body = undefined;
          delete headers['Content-Type'];
        }
        url = next.toString();
      }
    } catch (e) {
      if (e instanceof OpenStackError) throw e;
      if (req.signal?.aborted) throw new CancelledError(info);
      if (timedOut) throw new TimeoutError(info, timeoutMs);
      throw new ConnectionError(info, (e as Error).message.replace(/^request to \S+ failed, reason: /, ''));
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private backoff(attempt: number, signal: AbortSignal | undefined, info: RequestInfo): Promise<void> {
    return sleep(this.retryDelayMs * 2 ** (attempt - 1), signal, info);
  }

  dispose(): void {
    this.disposed = true;
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const CREDENTIAL_HEADERS = /^(x-auth-token|x-subject-token|x-service-token|authorization|cookie|proxy-authorization)$/i;

/**
 * Why a redirect is not followed, or undefined when it may be: credentials (a token header, a
 * cookie) go to no other origin, and a body with a password or secret is never sent again.
 */
export function redirectRefusal(from: URL, to: URL, status: number, headers: Record<string, string>, body: unknown, hop: number): string | undefined {
  if (hop >= MAX_REDIRECTS) return `more than ${MAX_REDIRECTS} redirects`;
  const resends = (status === 307 || status === 308) && body !== undefined;
  if (resends && carriesSecret(body)) return `redirect to ${to.origin} not followed: it would send the password again`;
  if (to.origin !== from.origin && Object.keys(headers).some((h) => CREDENTIAL_HEADERS.test(h)))
    return `redirect to ${to.origin} not followed: the request carries credentials`;
  if (to.origin !== from.origin && resends) return `redirect to ${to.origin} not followed: it would send the request body there`;
  return undefined;
}

function carriesSecret(body: unknown): boolean {
  if (Buffer.isBuffer(body)) return false;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return redactText(text) !== text;
}

/** Builds an HttpError from a response, digging the service's own message out of its body. */
async function httpError(info: RequestInfo, res: Response): Promise<HttpError> {
  const requestId = res.headers.get('x-openstack-request-id') ?? res.headers.get('x-compute-request-id') ?? res.headers.get('x-trans-id') ?? undefined;
  const text = await res.text().catch(() => '');
  return new HttpError(info, res.status, serviceMessage(text), requestId);
}

export function serviceMessage(text: string): string {
  if (!text) return '';
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const pick = (v: unknown): string | undefined => {
      if (typeof v === 'string') return v;
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        // Keystone {error:{message}}, Heat {error:{message, explanation}}, Ironic {error_message: "json"},
        // Mistral {faultstring}, Swift plain text
        return pick(o.message) ?? pick(o.faultstring) ?? pick(o.explanation) ?? pick(o.title);
      }
      return undefined;
    };
    if (typeof body.error_message === 'string') {
      try {
        return pick(JSON.parse(body.error_message)) ?? body.error_message;
      } catch {
        return body.error_message;
      }
    }
    const heatDetail = (body.error as Record<string, unknown> | undefined)?.message;
    return pick(heatDetail) ?? pick(body.error) ?? pick(body) ?? text.slice(0, 500);
  } catch {
    return text
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 500);
  }
}

/** Waits `ms`, or rejects with CancelledError as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, info: RequestInfo): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError(info));
    const onAbort = () => {
      clearTimeout(t);
      reject(new CancelledError(info));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One URL path segment. "." and ".." would be resolved away by the URL parser (even
 * percent-encoded) and address something else: refused.
 */
export function pathSegment(s: string): string {
  if (s === '.' || s === '..') throw new OpenStackError(`invalid name in a URL: ${JSON.stringify(s)}`, { service: '-', method: '-', url: s });
  return encodeURIComponent(s);
}
