import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConnectionError } from '../../src/openstack/errors';
import { HttpClient, Logger } from '../../src/openstack/http';
import type { ConnectionProfile } from '../../src/openstack/cloudConfig';
import { Undercloud } from '../../src/tripleo/undercloud';

// A local HTTPS server with a certificate from our own throwaway CA, as undercloud often have.
describe('TLS: verified by default, a CA bundle per connection, insecure only on request', () => {
  let dir: string;
  let server: https.Server;
  let url: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=test undercloud CA');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'server.key')), cert: fs.readFileSync(path.join(dir, 'server.pem')) }, (_q, res) =>
      res.end('{"version":"v3"}'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate it cannot verify', async () => {
    const client = new HttpClient({ retries: 0 });
    await assert.rejects(
      client.request({ service: 'keystone', method: 'GET', url }),
      (e: Error) => e instanceof ConnectionError && /certificate/i.test(e.message),
    );
  });

  it('accepts it with the CA bundle of the connection', async () => {
    const client = new HttpClient({ tls: { caFile: path.join(dir, 'ca.pem') } });
    assert.deepEqual(await client.json({ service: 'keystone', method: 'GET', url }), { version: 'v3' });
  });

  it('accepts it with insecure, and warns that verification is off', async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
    const client = new HttpClient({ tls: { insecure: true }, logger });
    assert.deepEqual(await client.json({ service: 'keystone', method: 'GET', url }), { version: 'v3' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /verification is OFF/);
  });

  describe('the tripleo.caBundle and tripleo.insecure settings', () => {
    before(() =>
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', '-subj', '/CN=other CA'],
        { cwd: dir, stdio: 'ignore' },
      ),
    );
    const profile = (tls: ConnectionProfile['tls']): ConnectionProfile => ({
      name: 'uc',
      source: 'test',
      auth: { authUrl: url, username: 'u', password: 'p' },
      tls,
    });
    const get = (uc: Undercloud) => uc.http.json({ service: 'keystone', method: 'GET', url: url });

    it("adds the setting's bundle to the profile's own CA file instead of replacing it", async () => {
      for (const [own, extra] of [
        ['other.pem', 'ca.pem'],
        ['ca.pem', 'other.pem'],
      ]) {
        const uc = new Undercloud(profile({ caFile: path.join(dir, own) }), { extraCaFile: path.join(dir, extra) });
        try {
          assert.deepEqual(await get(uc), { version: 'v3' }, `${own} + ${extra}`);
        } finally {
          uc.dispose();
        }
      }
    });

    it('turns verification off with the insecure option, with a warning', async () => {
      const warnings: string[] = [];
      const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
      const strict = new Undercloud(profile({}), { logger });
      await assert.rejects(get(strict), (e: Error) => e instanceof ConnectionError && /certificate/i.test(e.message));
      strict.dispose();
      const uc = new Undercloud(profile({}), { logger, insecure: true });
      try {
        assert.deepEqual(await get(uc), { version: 'v3' });
        assert.ok(warnings.some((w) => /verification is OFF/.test(w)));
      } finally {
        uc.dispose();
      }
    });
  });
});
