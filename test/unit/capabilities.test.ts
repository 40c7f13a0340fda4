import * as assert from 'node:assert/strict';
import { getCapabilities, updateSelection } from '../../src/tripleo/capabilities';
import { checkMapAgainstFiles, normalizePath, parseCapabilitiesMap, readCapabilitiesMap } from '../../src/tripleo/capabilitiesMap';
import { PlanError } from '../../src/tripleo/errors';
import { planNameProblem } from '../../src/tripleo/planName';

const MAP = `root_template: overcloud.yaml
root_environment: overcloud-resource-registry.yaml
topics:
  - title: Network
    environment_groups:
      - title: Network Type
        mutually_exclusive: true
        environments:
          - file: environments/network-isolation.yaml
            title: Isolated
          - file: environments/network-flat.yaml
            title: Flat
  - title: Security
    environment_groups:
      - title: TLS
        environments:
          - file: environments/ssl-enable.yaml
            title: Enable TLS
          - file: environments/ssl-endpoints.yaml
            title: TLS endpoints
            requires:
              - environments/ssl-enable.yaml
      - title: Test only
        tags: [no-gui]
        environments:
          - file: environments/fail-on-create.yaml
            title: Fail
`;
const FILES = [
  'overcloud.yaml',
  'overcloud-resource-registry.yaml',
  'capabilities-map.yaml',
  'environments/network-isolation.yaml',
  'environments/network-flat.yaml',
  'environments/ssl-enable.yaml',
  'environments/ssl-endpoints.yaml',
  'environments/fail-on-create.yaml',
  'environments/custom-user-settings.yaml',
  'puppet/controller.yaml',
];

describe('capabilities map', () => {
  const map = parseCapabilitiesMap(MAP);

  it('reads topics, groups, requires and tags', () => {
    assert.equal(map.rootTemplate, 'overcloud.yaml');
    assert.deepEqual(
      map.topics.map((t) => t.title),
      ['Network', 'Security'],
    );
    assert.equal(map.topics[0].groups[0].mutuallyExclusive, true);
    // a Pike-style map: a group without the key is not exclusive
    assert.equal(map.topics[1].groups[0].mutuallyExclusive, false);
    assert.deepEqual(map.topics[1].groups[0].environments[1].requires, ['environments/ssl-enable.yaml']);
    assert.deepEqual(map.topics[1].groups[1].tags, ['no-gui']);
  });

  it('treats a multi-environment group of a pre-Pike map as exclusive', () => {
    const old = parseCapabilitiesMap(
      'topics:\n- title: T\n  environment_groups:\n  - title: G\n    environments:\n    - {file: a.yaml, title: A}\n    - {file: b.yaml, title: B}\n',
    );
    assert.equal(old.topics[0].groups[0].mutuallyExclusive, true);
  });

  it('reports missing keys with their lines', () => {
    const { problems } = readCapabilitiesMap(
      'topics:\n  - title: T\n    environment_groups:\n      - title: G\n        environments:\n          - title: no file here\n',
    );
    assert.deepEqual(problems, [{ message: 'an environment of group "G" has no `file`', line: 6 }]);
    assert.throws(
      () => parseCapabilitiesMap('root_template: x.yaml\n'),
      (e: Error) => e instanceof PlanError && e.code === 'invalid-capabilities-map' && /missing `topics`/.test(e.message),
    );
  });

  it('checks files and requires against the plan', () => {
    assert.deepEqual(checkMapAgainstFiles(map, FILES), []);
    assert.deepEqual(
      checkMapAgainstFiles(
        map,
        FILES.filter((f) => f !== 'environments/ssl-enable.yaml'),
      ),
      [
        {
          kind: 'missing-file',
          file: 'environments/ssl-enable.yaml',
          mentioned: 'environments/ssl-enable.yaml',
          message: 'environments/ssl-enable.yaml does not exist',
        },
        {
          kind: 'missing-requirement',
          file: 'environments/ssl-endpoints.yaml',
          mentioned: 'environments/ssl-enable.yaml',
          message: 'environments/ssl-endpoints.yaml requires environments/ssl-enable.yaml, which does not exist',
        },
      ],
    );
  });

  it('normalizes relative paths', () => {
    assert.equal(normalizePath('./environments/../network/x.yaml'), 'network/x.yaml');
  });
});

describe('capabilities: get and update', () => {
  const map = parseCapabilitiesMap(MAP);

  it('marks enabled environments, flags no-gui groups and lists unmapped environment files under "Other"', () => {
    const topics = getCapabilities(map, ['overcloud-resource-registry.yaml', 'environments/network-flat.yaml'], FILES);
    const flat = topics[0].groups[0].environments.find((e) => e.file === 'environments/network-flat.yaml');
    assert.equal(flat?.enabled, true);
    assert.equal(topics[0].groups[0].environments[0].enabled, false);
    assert.equal(topics[1].groups[1].noGui, true);
    assert.deepEqual(
      topics.map((t) => t.title),
      ['Network', 'Security', 'Other'],
    );
    assert.deepEqual(
      topics[2].groups.map((g) => g.title),
      ['environments/custom-user-settings.yaml'],
    );
  });

  it('adds and removes keeping the order', () => {
    const next = updateSelection(map, ['overcloud-resource-registry.yaml', 'environments/network-flat.yaml'], {
      'environments/ssl-enable.yaml': true,
      'environments/network-flat.yaml': false,
      'environments/network-isolation.yaml': true,
    });
    assert.deepEqual(next, ['overcloud-resource-registry.yaml', 'environments/ssl-enable.yaml', 'environments/network-isolation.yaml']);
  });

  it('refuses a missing requirement and names it', () => {
    assert.throws(
      () => updateSelection(map, ['overcloud-resource-registry.yaml'], { 'environments/ssl-endpoints.yaml': true }),
      (e: Error) =>
        e instanceof PlanError &&
        e.code === 'capabilities-conflict' &&
        e.message.includes('environments/ssl-endpoints.yaml requires environments/ssl-enable.yaml, which is not selected'),
    );
    // removing the required one while the other stays is refused too
    assert.throws(
      () => updateSelection(map, ['environments/ssl-enable.yaml', 'environments/ssl-endpoints.yaml'], { 'environments/ssl-enable.yaml': false }),
      /requires environments\/ssl-enable.yaml/,
    );
  });

  it('refuses two files of an exclusive group and names both', () => {
    assert.throws(
      () => updateSelection(map, ['environments/network-flat.yaml'], { 'environments/network-isolation.yaml': true }),
      (e: Error) =>
        /environments\/network-isolation.yaml and environments\/network-flat.yaml are mutually exclusive \(group "Network Type" of "Network"\)/.test(e.message),
    );
  });

  it('keeps the root environment and refuses files the plan does not have', () => {
    assert.throws(() => updateSelection(map, ['overcloud-resource-registry.yaml'], { 'overcloud-resource-registry.yaml': false }), /root environment/);
    assert.throws(() => updateSelection(map, [], { 'environments/nope.yaml': true }, FILES), /environments\/nope.yaml is not a file of the plan/);
    assert.deepEqual(updateSelection(map, [], { 'environments/custom-user-settings.yaml': true }, FILES), ['environments/custom-user-settings.yaml']);
  });
});

describe('plan names', () => {
  it('accepts Heat stack names and explains what is wrong with others', () => {
    assert.equal(planNameProblem('overcloud'), undefined);
    assert.equal(planNameProblem('my.plan-2_b'), undefined);
    assert.match(planNameProblem('2fast')!, /must start with a letter/);
    assert.match(planNameProblem('my plan!')!, /not " " "!"/);
    assert.match(planNameProblem('x'.repeat(256))!, /longer than 255/);
    assert.match(planNameProblem('')!, /required/);
  });
});
