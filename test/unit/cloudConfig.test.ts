import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configFileCandidates, loadClouds, profileFromEnv, resolveProfile } from '../../src/openstack/cloudConfig';
import { ConfigError } from '../../src/openstack/errors';

describe('cloud configuration (clouds.yaml, secure.yaml, OS_*)', () => {
  let dir: string;
  let home: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-cc-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-home-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };

  it('searches OS_CLIENT_CONFIG_FILE, then ~/.config/openstack, /etc/openstack, and the current folder last', () => {
    const c = configFileCandidates('clouds', { env: { OS_CLIENT_CONFIG_FILE: '/x/my.yaml' }, cwd: '/w', home: '/h' });
    assert.deepEqual(c, [
      '/x/my.yaml',
      '/h/.config/openstack/clouds.yaml',
      '/h/.config/openstack/clouds.yml',
      '/etc/openstack/clouds.yaml',
      '/etc/openstack/clouds.yml',
      '/w/clouds.yaml',
      '/w/clouds.yml',
    ]);
  });

  it("prefers the user's clouds to a workspace clouds.yaml, merges no user secure.yaml into it, and uses it only when confirmed", () => {
    write(path.join(home, '.config/openstack/clouds.yaml'), 'clouds:\n  uc:\n    auth: {auth_url: "https://uc.example:13000", username: admin}\n');
    write(path.join(home, '.config/openstack/secure.yaml'), 'clouds:\n  uc:\n    auth: {password: real-pw}\n  evil:\n    auth: {password: real-pw}\n');
    write(
      path.join(dir, 'clouds.yaml'),
      'clouds:\n  uc:\n    auth: {auth_url: "http://attacker.example:5000", username: admin}\n    verify: false\n  evil:\n    auth: {auth_url: "http://attacker.example:5000", username: admin}\n',
    );
    const uc = resolveProfile(undefined, { env: { OS_CLOUD: 'uc' }, cwd: dir, home });
    assert.equal(uc.auth.authUrl, 'https://uc.example:13000');
    assert.equal(uc.auth.password, 'real-pw');
    assert.equal(uc.tls.insecure, undefined);
    assert.throws(
      () => resolveProfile(undefined, { env: { OS_CLOUD: 'evil' }, cwd: dir, home }),
      (e: Error) => e instanceof ConfigError && /defined only in .*clouds\.yaml, a file of the current folder/.test(e.message),
    );
    const confirmed = resolveProfile('evil', { env: {}, cwd: dir, home, allowLocalFile: true });
    assert.equal(confirmed.auth.password, undefined, "the user's secure.yaml stays with the user's clouds.yaml");
    assert.equal(confirmed.localFile, path.join(dir, 'clouds.yaml'));
    // a secure.yaml beside the workspace file is its own business
    write(path.join(dir, 'secure.yaml'), 'clouds:\n  evil:\n    auth: {password: its-own}\n');
    assert.equal(resolveProfile('evil', { env: {}, cwd: dir, home, allowLocalFile: true }).auth.password, 'its-own');
    // named by the user, the same file is theirs
    assert.equal(resolveProfile('evil', { env: { OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml') }, cwd: home, home }).localFile, undefined);
  });

  it('reads a cloud from ~/.config/openstack/clouds.yaml and merges its password from the secure.yaml beside it', () => {
    write(
      path.join(home, '.config/openstack/clouds.yaml'),
      `clouds:
  uc:
    auth:
      auth_url: https://uc.example:13000
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: regionTwo
    interface: internal
    cacert: /etc/pki/uc-ca.pem
`,
    );
    write(path.join(home, '.config/openstack/secure.yaml'), 'clouds:\n  uc:\n    auth:\n      password: s3cret\n');
    const p = resolveProfile('uc', { env: {}, cwd: dir, home });
    assert.equal(p.name, 'uc');
    assert.equal(p.auth.authUrl, 'https://uc.example:13000');
    assert.equal(p.auth.password, 's3cret');
    assert.equal(p.auth.regionName, 'regionTwo');
    assert.equal(p.auth.interface, 'internal');
    assert.equal(p.tls.caFile, '/etc/pki/uc-ca.pem');
    assert.equal(p.tls.insecure, undefined);
  });

  it('uses OS_CLOUD when no cloud is named, and honours insecure / verify: false', () => {
    write(
      path.join(home, '.config/openstack/clouds.yaml'),
      'clouds:\n  a:\n    auth: {auth_url: "http://a:5000"}\n    verify: false\n  b:\n    auth: {auth_url: "http://b:5000"}\n    insecure: true\n',
    );
    assert.equal(resolveProfile(undefined, { env: { OS_CLOUD: 'a' }, cwd: dir, home }).tls.insecure, true);
    assert.equal(resolveProfile('b', { env: {}, cwd: dir, home }).tls.insecure, true);
  });

  it('names the known clouds when the asked one is missing', () => {
    write(path.join(home, '.config/openstack/clouds.yaml'), 'clouds:\n  one:\n    auth: {auth_url: "http://x"}\n  two:\n    auth: {auth_url: "http://y"}\n');
    assert.throws(
      () => resolveProfile('three', { env: {}, cwd: dir, home }),
      (e: Error) => e instanceof ConfigError && /"three" not found/.test(e.message) && /one, two/.test(e.message),
    );
  });

  it('reports a YAML error in clouds.yaml with file and line', () => {
    const file = path.join(dir, 'clouds.yaml');
    write(file, 'clouds:\n  uc:\n    auth:\n      auth_url: [unclosed\n');
    assert.throws(
      () => loadClouds({ env: {}, cwd: dir, home }),
      (e: Error) => e instanceof ConfigError && e.message.startsWith(`${file}:`) && /:\d+:\d+:/.test(e.message),
    );
  });

  it('builds a profile from OS_* variables, application credentials included', () => {
    const p = profileFromEnv({
      OS_AUTH_URL: 'http://127.0.0.1:5000',
      OS_APPLICATION_CREDENTIAL_ID: 'ac-id',
      OS_APPLICATION_CREDENTIAL_SECRET: 'ac-secret',
      OS_INTERFACE: 'publicURL',
      OS_INSECURE: 'true',
    });
    assert.ok(p);
    assert.equal(p.auth.applicationCredentialId, 'ac-id');
    assert.equal(p.auth.interface, 'public');
    assert.equal(p.tls.insecure, true);
    assert.equal(profileFromEnv({}), undefined);
  });

  it('rejects an unknown interface and a cloud without auth_url', () => {
    assert.throws(() => profileFromEnv({ OS_AUTH_URL: 'http://x', OS_INTERFACE: 'private' }), /public, internal or admin/);
    write(path.join(home, '.config/openstack/clouds.yaml'), 'clouds:\n  broken:\n    region_name: r\n');
    assert.throws(() => resolveProfile('broken', { env: {}, cwd: dir, home }), /no auth.auth_url/);
  });

  it('says what to do when nothing is configured', () => {
    assert.throws(() => resolveProfile(undefined, { env: {}, cwd: dir, home }), /--os-cloud|OS_CLOUD/);
  });
});
