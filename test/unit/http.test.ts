import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { CancelledError, ConnectionError, HttpError, TimeoutError } from '../../src/openstack/errors';
import { HttpClient, serviceMessage } from '../../src/openstack/http';

// A real HTTP server whose answers the test scripts: the only way to get 503s, hangs and resets
// out of a service on demand (fault injection).
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function faultServer(handlers: Handler[]): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let n = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const h = handlers[Math.min(n, handlers.length - 1)];
    n++;
    req.resume();
    h(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => n,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const ok: Handler = (_q, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
const unavailable: Handler = (_q, res) => res.writeHead(503).end('busy');

describe('HttpClient: timeouts, retries, cancellation and typed errors', () => {
  const client = (o: ConstructorParameters<typeof HttpClient>[0] = {}) => new HttpClient({ retryDelayMs: 10, ...o });

  it('retries an idempotent request after 503s and returns the eventual answer', async () => {
    const s = await faultServer([unavailable, unavailable, ok]);
    try {
      const body = await client().json<{ ok: boolean }>({ service: 'test', method: 'GET', url: `${s.url}/x` });
      assert.deepEqual(body, { ok: true });
      assert.equal(s.hits(), 3);
    } finally {
      await s.close();
    }
  });

  it('a retry that succeeds prints no warning; an outage prints one line per service, however many requests wait', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) };
    const s = await faultServer([unavailable, ok]);
    try {
      await client({ logger }).request({ service: 'test', method: 'GET', url: `${s.url}/x` });
      assert.deepEqual(warnings, []);
    } finally {
      await s.close();
    }
    const down = await faultServer([unavailable]);
    try {
      const c = client({ logger, retries: 3 });
      await Promise.allSettled(Array.from({ length: 10 }, () => c.request({ service: 'test', method: 'GET', url: `${down.url}/x` })));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /^test is not answering \(.*503\); retrying$/);
    } finally {
      await down.close();
    }
  });

  it('ends requests still in flight quietly when the client is disposed (no retry, no warning)', async () => {
    const warnings: string[] = [];
    const s = await faultServer([() => undefined]);
    try {
      const c = client({ logger: { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) } });
      const pending = c.request({ service: 'test', method: 'GET', url: `${s.url}/x` });
      await new Promise((r) => setTimeout(r, 50));
      c.dispose();
      await assert.rejects(pending, (e: Error) => e instanceof CancelledError);
      assert.deepEqual(warnings, []);
      assert.equal(s.hits(), 1);
    } finally {
      await s.close();
    }
  });

  it('does not retry a POST', async () => {
    const s = await faultServer([unavailable, ok]);
    try {
      await assert.rejects(
        client().request({ service: 'test', method: 'POST', url: `${s.url}/x`, body: {} }),
        (e: Error) => e instanceof HttpError && e.status === 503,
      );
      assert.equal(s.hits(), 1);
    } finally {
      await s.close();
    }
  });

  it('gives up after the configured retries with the last status', async () => {
    const s = await faultServer([unavailable]);
    try {
      await assert.rejects(
        client({ retries: 2 }).request({ service: 'test', method: 'GET', url: `${s.url}/x` }),
        (e: Error) => e instanceof HttpError && e.status === 503,
      );
      assert.equal(s.hits(), 3);
    } finally {
      await s.close();
    }
  });

  it('times out a request that never answers', async () => {
    const s = await faultServer([() => undefined]);
    try {
      await assert.rejects(
        client({ retries: 0 }).request({ service: 'test', method: 'GET', url: `${s.url}/hang`, timeoutMs: 200 }),
        (e: Error) => e instanceof TimeoutError && /timed out after 200 ms/.test(e.message),
      );
    } finally {
      await s.close();
    }
  });

  it('cancels a request midway through an AbortSignal', async () => {
    const s = await faultServer([() => undefined]);
    try {
      const ac = new AbortController();
      const p = client().request({ service: 'test', method: 'GET', url: `${s.url}/hang`, signal: ac.signal });
      setTimeout(() => ac.abort(), 100);
      const t0 = Date.now();
      await assert.rejects(p, (e: Error) => e instanceof CancelledError);
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      await s.close();
    }
  });

  it('retries a dropped connection, then reports a ConnectionError', async () => {
    const s = await faultServer([(req) => req.socket.destroy()]);
    try {
      await assert.rejects(client({ retries: 1 }).request({ service: 'test', method: 'GET', url: `${s.url}/x` }), (e: Error) => e instanceof ConnectionError);
      assert.equal(s.hits(), 2);
    } finally {
      await s.close();
    }
  });

  it('puts service, method, URL, status, the service message and the request id in errors', async () => {
    const s = await faultServer([
      (_q, res) =>
        res
          .writeHead(409, { 'Content-Type': 'application/json', 'x-openstack-request-id': 'req-123' })
          .end(JSON.stringify({ explanation: 'x', code: 409, error: { message: 'Stack overcloud already exists', type: 'StackExists' }, title: 'Conflict' })),
    ]);
    try {
      await assert.rejects(client().request({ service: 'heat', method: 'POST', url: `${s.url}/v1/p/stacks`, body: { password: 'pw' } }), (e: Error) => {
        assert.ok(e instanceof HttpError);
        assert.equal(e.status, 409);
        assert.equal(e.requestId, 'req-123');
        assert.equal(e.serviceMessage, 'Stack overcloud already exists');
        assert.match(
          e.message,
          /^heat: POST http:\/\/127\.0\.0\.1:\d+\/v1\/p\/stacks failed with HTTP 409: Stack overcloud already exists \(request id req-123\)$/,
        );
        assert.doesNotMatch(e.message, /pw/);
        return true;
      });
    } finally {
      await s.close();
    }
  });

  it('extracts the message from each service error format', () => {
    assert.equal(
      serviceMessage('{"error":{"message":"The request you have made requires authentication.","code":401}}'),
      'The request you have made requires authentication.',
    );
    assert.equal(
      serviceMessage(JSON.stringify({ error_message: JSON.stringify({ faultstring: 'Node abc could not be found.' }) })),
      'Node abc could not be found.',
    );
    assert.equal(serviceMessage('{"faultstring":"Workflow not found","debuginfo":null}'), 'Workflow not found');
    assert.equal(serviceMessage('<html><h1>Not Found</h1><p>The resource could not be found.</p></html>'), 'Not Found The resource could not be found.');
    assert.equal(serviceMessage(''), '');
  });
});

describe('HttpClient: redirects never carry credentials away', () => {
  const redirect =
    (status: number, to: () => string): Handler =>
    (_q, res) =>
      res.writeHead(status, { Location: to() }).end();
  let seen: { url?: string; token?: string; body: string }[] = [];
  const recording: Handler = (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url, token: req.headers['x-auth-token'] as string | undefined, body });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
  };
  let elsewhere: Awaited<ReturnType<typeof faultServer>>;
  beforeEach(async () => {
    seen = [];
    elsewhere = await faultServer([recording]);
  });
  afterEach(() => elsewhere.close());
  const client = () => new HttpClient({ retries: 0 });

  it('does not follow a redirect to another origin with X-Auth-Token', async () => {
    const s = await faultServer([redirect(302, () => `${elsewhere.url}/steal`)]);
    try {
      await assert.rejects(
        client().request({ service: 'heat', method: 'GET', url: `${s.url}/v1/stacks`, headers: { 'X-Auth-Token': '3f2a8c1e-0b6d-4a57-9d7e-2c1f0e9b8a76' } }),
        (e: HttpError) => {
          assert.equal(e.status, 302);
          assert.match(e.message, /not followed: the request carries credentials/);
          return true;
        },
      );
      assert.equal(elsewhere.hits(), 0);
    } finally {
      await s.close();
    }
  });

  it('never sends the Keystone password body again on a 307 or 308, to any origin', async () => {
    const body = { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'hunter2' } } } } };
    for (const status of [307, 308]) {
      for (const target of [() => `${elsewhere.url}/v3/auth/tokens`, () => '/v3/auth/tokens?again']) {
        const s = await faultServer([redirect(status, target), recording]);
        try {
          await assert.rejects(
            client().request({ service: 'keystone', method: 'POST', url: `${s.url}/v3/auth/tokens`, body }),
            /would send the password again/,
          );
          assert.equal(s.hits(), 1);
        } finally {
          await s.close();
        }
      }
    }
    assert.deepEqual(seen, []);
  });

  it('follows a redirect within the same origin, and one to another origin without credentials', async () => {
    const s = await faultServer([redirect(301, () => '/moved'), recording]);
    const away = await faultServer([redirect(302, () => `${elsewhere.url}/pub`)]);
    try {
      const res = await client().request({ service: 'swift', method: 'GET', url: `${s.url}/v1/AUTH_x/c`, headers: { 'X-Auth-Token': 't' } });
      assert.equal(res.status, 200);
      assert.equal(s.hits(), 2);
      await client().request({ service: 'public', method: 'GET', url: `${away.url}/x` });
      assert.deepEqual(
        seen.map((x) => [x.url, x.token]),
        [
          ['/moved', 't'],
          ['/pub', undefined],
        ],
      );
    } finally {
      await s.close();
      await away.close();
    }
  });
});
