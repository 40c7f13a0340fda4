import * as assert from 'node:assert/strict';
import { isSecretName, MASK, redactText, redactValue } from '../../src/openstack/redact';
import { valueProblem } from '../../src/language/planIndex';

describe('redaction: one rule for what is secret', () => {
  it('knows secret names, key-like ones included, and leaves ordinary ones', () => {
    for (const n of [
      'pm_password',
      'AdminPassword',
      'token',
      'auth_token',
      'X-Auth-Token',
      'KeystoneFernetSecret',
      'application_credential_secret',
      'ssh_private_key',
      'SSLKey',
      'HeatAuthEncryptionKey',
      'RabbitCookie',
      'MigrationSshKey',
      'nova::rabbit_password',
      'passphrase',
    ])
      assert.ok(isSecretName(n), n);
    for (const n of ['KeyName', 'ControllerCount', 'NtpServer', 'SshPublicKey', 'public_key', 'ExtraConfig', 'Debug']) assert.ok(!isSecretName(n), n);
    assert.ok(isSecretName('SomeNoEchoValue', new Set(['SomeNoEchoValue'])));
  });

  it('masks JSON without spaces, numbers, nested maps and JSON escaped inside a string', () => {
    assert.equal(redactText('{"pm_password":"x","pm_user":"admin"}'), `{"pm_password":"${MASK}","pm_user":"admin"}`);
    assert.equal(redactText('{"pm_password": 1234, "port": 623}'), `{"pm_password": "${MASK}", "port": 623}`);
    const escaped = JSON.stringify({ input: JSON.stringify({ nodes: [{ pm_password: 'hunter2', pm_addr: '10.0.0.1' }] }) });
    const out = redactText(escaped);
    assert.doesNotMatch(out, /hunter2/);
    assert.equal(JSON.parse(JSON.parse(out).input).nodes[0].pm_addr, '10.0.0.1');
    assert.equal(JSON.parse(JSON.parse(out).input).nodes[0].pm_password, MASK);
    assert.deepEqual(
      JSON.parse(
        redactText(
          JSON.stringify({
            a: {
              token: 'abc',
              application_credential_secret: 's3',
              ssh_private_key: '-----BEGIN',
              HeatAuthEncryptionKey: 'k',
              RabbitCookie: 'c',
              MigrationSshKey: { private_key: 'p' },
              keep: 1,
            },
          }),
        ),
      ),
      {
        a: {
          token: MASK,
          application_credential_secret: MASK,
          ssh_private_key: MASK,
          HeatAuthEncryptionKey: MASK,
          RabbitCookie: MASK,
          MigrationSshKey: MASK,
          keep: 1,
        },
      },
    );
  });

  it("masks Python reprs: u'...', double-quoted values, truncated dicts", () => {
    assert.equal(redactText("Failed: {u'pm_password': u'hunter2', u'pm_user': u'admin'}"), `Failed: {u'pm_password': '${MASK}', u'pm_user': u'admin'}`);
    assert.equal(redactText(`{'pm_password': "it's secret", 'x': 1}`), `{'pm_password': '${MASK}', 'x': 1}`);
    assert.doesNotMatch(redactText("{'nodes': [{'pm_password': 'p1', 'pm_type': 'ipmi'}, {'pm_password': 'p2', 'pm_ty"), /p1|p2/);
    assert.doesNotMatch(redactText("error {'auth_token': 'gAAAAABk0123456789012345678901234567890123', 'created': datetime.datetime(2020, 1, 1)}"), /gAAAA/);
  });

  it('masks free text: headers with bare UUID tokens, name=value, Fernet tokens', () => {
    assert.equal(redactText('X-Auth-Token: 3f2a8c1e-0b6d-4a57-9d7e-2c1f0e9b8a76 sent'), `X-Auth-Token: ${MASK} sent`);
    assert.equal(redactText('Authorization: Bearer abc.def'), `Authorization: Bearer ${MASK}`);
    assert.equal(redactText('login with password=hunter2 failed'), `login with password=${MASK} failed`);
    assert.equal(redactText('nova::rabbit_password: hunter2'), `nova::rabbit_password: ${MASK}`);
    assert.equal(redactText('token gAAAAABlongfernettokenvalue_0123456789abcdef'), `token ${MASK}`);
    assert.equal(redactText('nothing secret here: {"a": 1}'), 'nothing secret here: {"a": 1}');
  });

  it('masks recursively in values, and NoEcho names the caller knows', () => {
    assert.deepEqual(redactValue({ ExtraConfig: { 'nova::rabbit_password': 'hunter2', 'nova::debug': true }, SSLKey: 'pem', Count: 3 }, new Set(['SSLKey'])), {
      ExtraConfig: { 'nova::rabbit_password': MASK, 'nova::debug': true },
      SSLKey: MASK,
      Count: 3,
    });
    assert.equal(redactText('{"SSLCertificate": "x", "Other": 1}', new Set(['SSLCertificate'])), `{"SSLCertificate": "${MASK}", "Other": 1}`);
  });

  it('takes linear time on hostile text', () => {
    const started = Date.now();
    redactText(`password ${'a.'.repeat(200_000)} ${'{'.repeat(50_000)} ${'[a, '.repeat(50_000)}`);
    assert.ok(Date.now() - started < 5_000);
  });
});

describe('redaction in the language service', () => {
  it('repeats no hidden or secret value in a diagnostic', () => {
    const def = (name: string, hidden: boolean) => ({ name, template: 't', line: 0, character: 0, type: 'number', hidden, constraints: [] });
    assert.equal(valueProblem(def('AdminPassword', false), 'hunter2'), `AdminPassword is a number, not ${MASK}`);
    assert.equal(valueProblem(def('Opaque', true), 'hunter2'), `Opaque is a number, not ${MASK}`);
    assert.equal(valueProblem(def('Count', false), 'many'), 'Count is a number, not "many"');
  });
});
