/** Where a failed request went, with nothing secret in it. */
export interface RequestInfo {
  service: string;
  method: string;
  url: string;
}

function describe(r: RequestInfo): string {
  return `${r.service}: ${r.method} ${r.url}`;
}

export class OpenStackError extends Error {
  constructor(
    message: string,
    readonly request: RequestInfo,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The service answered with an HTTP error status. */
export class HttpError extends OpenStackError {
  constructor(
    request: RequestInfo,
    readonly status: number,
    readonly serviceMessage: string,
    readonly requestId?: string,
  ) {
    super(
      `${describe(request)} failed with HTTP ${status}${serviceMessage ? `: ${serviceMessage}` : ''}` + (requestId ? ` (request id ${requestId})` : ''),
      request,
    );
  }
}

/** Nothing usable came back: refused, reset, DNS, TLS. */
export class ConnectionError extends OpenStackError {
  constructor(
    request: RequestInfo,
    override readonly cause: string,
  ) {
    super(`${describe(request)} could not connect: ${cause}`, request);
  }
}

export class TimeoutError extends OpenStackError {
  constructor(
    request: RequestInfo,
    readonly timeoutMs: number,
  ) {
    super(`${describe(request)} timed out after ${timeoutMs} ms`, request);
  }
}

export class CancelledError extends OpenStackError {
  constructor(request: RequestInfo) {
    super(`${describe(request)} was cancelled`, request);
  }
}

/** Authentication itself failed (wrong password, unknown project...). */
export class AuthError extends OpenStackError {}

/** The service catalog has no endpoint for what was asked. */
export class EndpointNotFoundError extends OpenStackError {}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
