import * as assert from 'node:assert/strict';
import { EndpointNotFoundError } from '../../src/openstack/errors';
import { CatalogService, findEndpoint, normalizeAuthUrl } from '../../src/openstack/keystone';
import { MASK, redactUrl, redactValue } from '../../src/openstack/redact';

const catalog: CatalogService[] = [
  {
    type: 'object-store',
    endpoints: [
      { id: '1', interface: 'public', region_id: 'regionOne', url: 'https://pub1:8080/v1/AUTH_p' },
      { id: '2', interface: 'internal', region_id: 'regionOne', url: 'http://int1:8080/v1/AUTH_p' },
      { id: '3', interface: 'public', region_id: 'regionTwo', url: 'https://pub2:8080/v1/AUTH_p' },
    ],
  },
  { type: 'workflowv2', endpoints: [{ id: '4', interface: 'public', region: 'regionOne', url: 'http://m:8989/v2' }] },
];

describe('Keystone helpers', () => {
  it('adds /v3 to an auth URL without a version and upgrades /v2.0', () => {
    assert.equal(normalizeAuthUrl('http://h:5000'), 'http://h:5000/v3');
    assert.equal(normalizeAuthUrl('http://h:5000/v3/'), 'http://h:5000/v3');
    assert.equal(normalizeAuthUrl('http://h:5000/v2.0'), 'http://h:5000/v3');
  });

  it('chooses an endpoint by type, interface and region', () => {
    assert.equal(findEndpoint(catalog, 'object-store', 'public', undefined, 'a'), 'https://pub1:8080/v1/AUTH_p');
    assert.equal(findEndpoint(catalog, 'object-store', 'internal', 'regionOne', 'a'), 'http://int1:8080/v1/AUTH_p');
    assert.equal(findEndpoint(catalog, 'object-store', 'public', 'regionTwo', 'a'), 'https://pub2:8080/v1/AUTH_p');
    assert.equal(findEndpoint(catalog, 'workflowv2', 'public', 'regionOne', 'a'), 'http://m:8989/v2');
  });

  it('says which types the catalog has when one is missing', () => {
    assert.throws(
      () => findEndpoint(catalog, 'orchestration', 'public', undefined, 'a'),
      (e: Error) => e instanceof EndpointNotFoundError && /object-store, workflowv2/.test(e.message),
    );
    assert.throws(() => findEndpoint(catalog, 'workflowv2', 'admin', undefined, 'a'), EndpointNotFoundError);
  });

  it('redacts secrets from logged bodies and URLs', () => {
    // a secret name masks its whole value, a map (Keystone's password method) included
    assert.deepEqual(
      redactValue({
        auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'pw' } } } },
        application_credential: { id: 'i', secret: 's' },
      }),
      {
        auth: { identity: { methods: ['password'], password: MASK } },
        application_credential: MASK,
      },
    );
    assert.equal(redactUrl('http://s/o?temp_url_sig=abc&temp_url_expires=1'), `http://s/o?temp_url_sig=${MASK}&temp_url_expires=1`);
  });
});
