import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { AuthError, CancelledError, HttpError } from '../../src/openstack/errors';
import { HttpClient } from '../../src/openstack/http';
import { KeystoneSession } from '../../src/openstack/keystone';
import { md5, SwiftClient } from '../../src/openstack/swift';
import { Undercloud } from '../../src/tripleo/undercloud';
import { tarFiles } from '../../src/openstack/archive';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { cliEnv, ROOT, uniqueName, undercloudProfile } from '../support/undercloud';

const run = promisify(execFile);

describe('OpenStack clients against the real undercloud', () => {
  let uc: Undercloud;
  before(() => {
    uc = new Undercloud(undercloudProfile());
  });
  after(() => uc.dispose());

  describe('Keystone', () => {
    it('authenticates with a password, project scoped, and reads the catalog', async () => {
      const token = await uc.connect();
      assert.equal(token.user.name, 'admin');
      assert.equal(token.project?.name, 'admin');
      assert.ok(token.expiresAt.getTime() > Date.now() + 60_000);
      const types = token.catalog.map((s) => s.type).sort();
      for (const t of ['baremetal', 'baremetal-introspection', 'identity', 'object-store', 'orchestration', 'workflowv2'])
        assert.ok(types.includes(t), `catalog lacks ${t}: ${types}`);
      assert.match(await uc.session.endpoint('object-store'), new RegExp(`/v1/AUTH_${token.project!.id}$`));
    });

    it('reuses the token until it has to be renewed', async () => {
      const a = await uc.session.getToken();
      const b = await uc.session.getToken();
      assert.equal(a.id, b.id);
    });

    it('renews the token before it expires, without the caller noticing', async () => {
      const token = await uc.session.getToken();
      const lifetime = token.expiresAt.getTime() - Date.now();
      // a session that treats tokens as due for renewal 1.5 s after they are issued
      const session = new KeystoneSession(new HttpClient(), undercloudProfile().auth, { renewBeforeMs: lifetime - 1500 });
      const first = await session.getToken();
      await new SwiftClient(session).account();
      assert.equal((await session.getToken()).id, first.id);
      await new Promise((r) => setTimeout(r, 2000));
      await new SwiftClient(session).account();
      assert.notEqual((await session.getToken()).id, first.id);
    });

    it('authenticates with an application credential, which carries its own project scope', async () => {
      const token = await uc.session.getToken();
      const name = uniqueName('appcred');
      const created = await uc.session.json<{ application_credential: { id: string; secret: string } }>({
        service: 'keystone',
        serviceType: 'identity',
        method: 'POST',
        path: `/users/${token.user.id}/application_credentials`,
        body: { application_credential: { name, description: 'integration test' } },
      });
      const cred = created.application_credential;
      try {
        const session = new KeystoneSession(new HttpClient(), {
          authUrl: uc.session.authUrl,
          applicationCredentialId: cred.id,
          applicationCredentialSecret: cred.secret,
        });
        const t = await session.getToken();
        assert.equal(t.user.name, 'admin');
        assert.equal(t.project?.name, 'admin');
        assert.ok((await new SwiftClient(session).account()).containers >= 0);
        const byName = new KeystoneSession(new HttpClient(), {
          authUrl: uc.session.authUrl,
          applicationCredentialName: name,
          username: 'admin',
          userDomainName: 'Default',
          applicationCredentialSecret: cred.secret,
        });
        assert.equal((await byName.getToken()).project?.name, 'admin');
      } finally {
        await uc.session.request({
          service: 'keystone',
          serviceType: 'identity',
          method: 'DELETE',
          path: `/users/${token.user.id}/application_credentials/${cred.id}`,
        });
      }
    });

    it('authenticates with system scope', async () => {
      const p = undercloudProfile();
      const session = new KeystoneSession(new HttpClient(), { ...p.auth, projectName: undefined, projectDomainName: undefined, systemScope: 'all' });
      const t = await session.getToken();
      assert.equal(t.project, undefined);
      assert.deepEqual(t.system, { all: true });
    });

    it('refuses a wrong password with an AuthError that does not contain it', async () => {
      const p = undercloudProfile();
      p.auth.password = 'definitely-wrong-pw';
      const bad = new Undercloud(p);
      try {
        await assert.rejects(
          bad.connect(),
          (e: Error) =>
            e instanceof AuthError && !e.message.includes('definitely-wrong-pw') && /authentication to http:\/\/127\.0\.0\.1:5000\/v3 failed/.test(e.message),
        );
      } finally {
        bad.dispose();
      }
    });

    it('renews a revoked token once when a service answers 401, and the call succeeds', async () => {
      const session = new KeystoneSession(new HttpClient(), undercloudProfile().auth);
      const first = await session.getToken();
      // revoke it behind the session's back, with a separate admin token
      const admin = await uc.session.getToken();
      await uc.http.request({
        service: 'keystone',
        method: 'DELETE',
        url: `${uc.session.authUrl}/auth/tokens`,
        headers: { 'X-Auth-Token': admin.id, 'X-Subject-Token': first.id },
      });
      const account = await new SwiftClient(session).account();
      assert.ok(account.containers >= 0);
      const second = await session.getToken();
      assert.notEqual(second.id, first.id);
    });
  });

  describe('Swift', () => {
    const container = uniqueName('it-swift');
    after(async () => {
      for (const o of await uc.swift.listObjects(container)) await uc.swift.deleteObject(container, o.name);
      await uc.swift.deleteContainer(container);
    });

    it('creates a container with metadata', async () => {
      await uc.swift.createContainer(container, { 'usage-tripleo': 'test' });
      assert.deepEqual(await uc.swift.containerMetadata(container), { 'usage-tripleo': 'test' });
      assert.equal(await uc.swift.containerMetadata(`${container}-missing`), undefined);
    });

    it('round-trips an object with its MD5 as ETag', async () => {
      const text = 'heat_template_version: rocky\ndescription: ünïcode ✓\n';
      const etag = await uc.swift.putObject(container, 'dir/overcloud.yaml', text, { contentType: 'application/x-yaml', metadata: { origin: 'test' } });
      assert.equal(etag, md5(text));
      assert.equal(await uc.swift.getObjectText(container, 'dir/overcloud.yaml'), text);
      const head = await uc.swift.objectMetadata(container, 'dir/overcloud.yaml');
      assert.equal(head?.etag, md5(text));
      assert.deepEqual(head?.metadata, { origin: 'test' });
    });

    it('lists every object through pages of `limit`', async () => {
      for (let i = 0; i < 5; i++) await uc.swift.putObject(container, `page/obj-${i}`, `content ${i}`);
      const listed = await uc.swift.listObjects(container, { prefix: 'page/', limit: 2 });
      assert.deepEqual(
        listed.map((o) => o.name),
        [0, 1, 2, 3, 4].map((i) => `page/obj-${i}`),
      );
      assert.equal(listed[3].hash, md5('content 3'));
    });

    it('deletes objects and reports a missing one as absent', async () => {
      await uc.swift.deleteObject(container, 'page/obj-0');
      assert.equal(await uc.swift.objectMetadata(container, 'page/obj-0'), undefined);
      await uc.swift.deleteObject(container, 'page/obj-0');
      await assert.rejects(
        uc.swift.getObject(container, 'page/obj-0'),
        (e: Error) => e instanceof HttpError && e.status === 404 && /swift: GET .* 404/.test(e.message),
      );
    });

    it('unpacks a tar.gz into the container with extract-archive', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-tar-'));
      try {
        fs.mkdirSync(path.join(dir, 'environments'));
        fs.writeFileSync(path.join(dir, 'overcloud.yaml'), 'heat_template_version: rocky\n');
        fs.writeFileSync(path.join(dir, 'environments/debug.yaml'), 'parameter_defaults:\n  Debug: true\n');
        const archive = await tarFiles(dir, ['overcloud.yaml', 'environments/debug.yaml'], { gzip: true });
        const result = await uc.swift.extractArchive(container, archive, { gzip: true });
        assert.deepEqual(result, { created: 2, errors: [] });
        assert.equal(await uc.swift.getObjectText(container, 'environments/debug.yaml'), 'parameter_defaults:\n  Debug: true\n');
        assert.equal((await uc.swift.objectMetadata(container, 'overcloud.yaml'))?.etag, md5('heat_template_version: rocky\n'));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports a broken archive instead of a partial success', async () => {
      await assert.rejects(uc.swift.extractArchive(container, Buffer.from('this is not a tar archive at all'.repeat(40))), /extract-archive into .* failed/);
    });

    it('cancels an upload midway and leaves no object behind', async () => {
      const big = Buffer.alloc(64 * 1024 * 1024, 7);
      const ac = new AbortController();
      const p = uc.swift.putObject(container, 'big.bin', big, { signal: ac.signal });
      setTimeout(() => ac.abort(), 30);
      await assert.rejects(p, CancelledError);
      assert.equal(await uc.swift.objectMetadata(container, 'big.bin'), undefined);
    });
  });

  it('lists Mistral executions and Ironic nodes', async () => {
    assert.ok(Array.isArray(await uc.mistral.listExecutions({ limit: 5 })));
    assert.ok(Array.isArray(await uc.ironic.listNodes()));
  });

  it('the tripleo CLI prints who we are, from OS_* variables', async () => {
    const env = cliEnv();
    const { stdout } = await run('node', [path.join(ROOT, 'dist/cli.js'), 'whoami', '--json'], { env });
    const info = JSON.parse(stdout);
    assert.equal(info.user, 'admin');
    assert.equal(info.project, 'admin');
    assert.match(info.endpoints['object-store'], /^http:\/\/127\.0\.0\.1:8080\/v1\/AUTH_/);
    env.OS_PASSWORD = 'wrong';
    await assert.rejects(
      run('node', [path.join(ROOT, 'dist/cli.js'), 'whoami'], { env }),
      (e: { code: number; stderr: string }) => e.code === 1 && /^tripleo: authentication to .* failed/.test(e.stderr) && !e.stderr.includes('wrong'),
    );
  });
});
