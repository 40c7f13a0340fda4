import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatNodeProblem, parseNodeFile } from '../../src/tripleo/instackenv';
import { checkedNodeFile, hardwareText, nodeCapabilities, nodeSummary } from '../../src/tripleo/nodes';
import { PlanError } from '../../src/tripleo/errors';
import type { IronicNode } from '../../src/openstack/ironic';

const SAMPLE = path.resolve(__dirname, '../../../samples/overcloud-lite/instackenv.json');

const node = (extra: Record<string, unknown> = {}) => ({
  name: 'n0',
  pm_type: 'ipmi',
  pm_addr: '10.0.0.1',
  pm_user: 'admin',
  pm_password: 's3cret',
  mac: ['52:54:00:aa:bb:01'],
  ...extra,
});
const json = (nodes: unknown[]) => JSON.stringify({ nodes }, null, 2);
const errors = (text: string, file = 'instackenv.json', drivers?: string[]) =>
  parseNodeFile(text, file, { drivers }).problems.filter((p) => p.severity === 'error');

describe('instackenv files', () => {
  it('reads the sample: numbers as numbers, MACs lower case, capabilities kept', () => {
    const r = parseNodeFile(fs.readFileSync(SAMPLE, 'utf8'), SAMPLE);
    assert.deepEqual(r.problems, []);
    assert.equal(r.nodes.length, 4);
    assert.deepEqual(r.nodes[0], {
      name: 'lite-controller-0',
      pm_type: 'fake-hardware',
      pm_addr: '127.0.0.11',
      pm_user: 'admin',
      pm_password: 'fake-password',
      mac: ['52:54:00:4c:1a:01'],
      cpu: 4,
      memory: 8192,
      disk: 40,
      arch: 'x86_64',
      capabilities: 'profile:control,boot_option:local',
    });
    assert.deepEqual(r.nodes[3].mac, ['52:54:00:4c:1a:04', '52:54:00:4c:1a:14']);
  });

  it('reads YAML, a bare list, and capabilities given as a mapping', () => {
    const r = parseNodeFile(
      '- name: y0\n  pm_type: redfish\n  pm_addr: https://bmc/redfish\n  mac: [52:54:00:AA:BB:CC]\n  capabilities: {profile: compute, boot_option: local}\n',
      'nodes.yaml',
    );
    assert.deepEqual(r.problems, []);
    assert.equal(r.nodes[0].capabilities, 'profile:compute,boot_option:local');
    assert.deepEqual(r.nodes[0].mac, ['52:54:00:aa:bb:cc']);
  });

  it('reads CSV rows pm_type,pm_addr,pm_user,pm_password,mac, quoted commas included, and a header row naming columns', () => {
    const plain = parseNodeFile('ipmi,10.0.0.1,admin,"pa,ss",52:54:00:00:00:01\nipmi,10.0.0.2,admin,pw,52:54:00:00:00:02\n', 'nodes.csv');
    assert.deepEqual(plain.problems, []);
    assert.deepEqual(
      plain.nodes.map((n) => [n.pm_addr, n.pm_password, n.mac[0]]),
      [
        ['10.0.0.1', 'pa,ss', '52:54:00:00:00:01'],
        ['10.0.0.2', 'pw', '52:54:00:00:00:02'],
      ],
    );
    const headed = parseNodeFile('name,pm_type,pm_addr,mac,memory\nc0,ipmi,10.0.0.3,52:54:00:00:00:03,4096\n', 'nodes.csv');
    assert.deepEqual(headed.problems, []);
    assert.equal(headed.nodes[0].name, 'c0');
    assert.equal(headed.nodes[0].memory, 4096);
  });

  it('names file, line and node for each kind of mistake, and sends nothing', () => {
    const text = json([
      node(),
      node({ name: 'n1', pm_type: 'redfsh', mac: ['52:54:00:aa:bb:02'] }),
      node({ name: 'n2', pm_addr: undefined, mac: ['52:54:00:aa:bb:03'] }),
      node({ name: 'n3', mac: ['52:54:00:aa:bb'] }),
      node({ name: 'n4', mac: ['52:54:00:AA:BB:01'] }),
      node({ name: 'n0', mac: ['52:54:00:aa:bb:06'] }),
      node({ name: 'n6', memory: 'lots', mac: ['52:54:00:aa:bb:07'] }),
      node({ name: 'n7', memroy: 'x', mac: ['52:54:00:aa:bb:08'] }),
    ]);
    const lineOf = (needle: string, from = 0) => text.slice(0, text.indexOf(needle, from)).split('\n').length;
    const got = errors(text).map((p) => [p.line, p.node, p.message]);
    assert.deepEqual(got, [
      [
        lineOf('"redfsh"'),
        'node 2 (n1)',
        'unknown driver "redfsh"; did you mean "redfish"? (known: ipmi, redfish, idrac, ilo, ilo5, irmc, xclarity, ibmc, snmp, manual-management, fake-hardware)',
      ],
      // a missing field is reported where its node begins
      [lineOf('"name": "n2"') - 1, 'node 3 (n2)', 'pm_addr (the power address) is missing'],
      [lineOf('"52:54:00:aa:bb"\n'), 'node 4 (n3)', '"52:54:00:aa:bb" is not a MAC address (six hex pairs like 52:54:00:12:34:56)'],
      [lineOf('"52:54:00:AA:BB:01"'), 'node 5 (n4)', 'MAC 52:54:00:aa:bb:01 is also given to node 1 (n0)'],
      [lineOf('"name": "n0"', text.indexOf('"n4"')), 'node 6 (n0)', 'name "n0" is also used by node 1 (n0)'],
      [lineOf('"lots"'), 'node 7 (n6)', 'memory must be a whole number of MiB, not "lots"'],
      [lineOf('"memroy"'), 'node 8 (n7)', 'unknown field "memroy"; did you mean "memory"?'],
    ]);
    assert.throws(
      () => checkedNodeFile(parseNodeFile(text, 'instackenv.json')),
      (e: Error) => e instanceof PlanError && /7 errors; nothing was sent:\ninstackenv.json:\d+:\d+: error: node 2 \(n1\): unknown driver/.test(e.message),
    );
  });

  it('never quotes a password, even in a message about its own field', () => {
    const text = json([node({ pm_password: { nested: 'hunter2' } }), node({ name: 'b', mac: ['zz'], pm_password: 'hunter3' })]);
    const all = parseNodeFile(text, 'f.json').problems.map(formatNodeProblem).join('\n');
    assert.match(all, /pm_password must be a single value/);
    assert.doesNotMatch(all, /hunter/);
  });

  it('checks drivers against the ones Ironic has enabled, and maps old driver names with a warning', () => {
    assert.match(errors(json([node()]), 'f.json', ['fake-hardware'])[0].message, /unknown driver "ipmi".*enabled in Ironic: fake-hardware/);
    const legacy = parseNodeFile(json([node({ pm_type: 'pxe_ipmitool' })]), 'f.json');
    assert.equal(legacy.nodes[0].pm_type, 'ipmi');
    assert.deepEqual(
      legacy.problems.map((p) => [p.severity, p.message]),
      [['warning', 'driver "pxe_ipmitool" is the old name of "ipmi", which is used instead']],
    );
  });

  it('reports syntax errors and wrong shapes with their position', () => {
    const broken = errors('{\n  "nodes": [\n    {"name": "a" "pm_type": "x"}\n  ]\n}\n');
    assert.equal(broken.length > 0, true);
    assert.equal(broken[0].line, 3);
    assert.match(broken[0].message, /^not valid JSON or YAML/);
    assert.equal(errors('{"machines": []}')[0].message, 'expected {"nodes": [...]} or a list of nodes');
    assert.equal(errors('{"nodes": []}')[0].message, 'the file lists no nodes');
    assert.deepEqual(
      errors('- just a string\n', 'n.yaml').map((p) => [p.line, p.node, p.message]),
      [[1, 'node 1', 'a node must be a mapping of fields']],
    );
    assert.deepEqual(
      errors('ipmi,10.0.0.1,admin\n', 'n.csv').map((p) => [p.line, p.message]),
      [[1, 'expected 5 columns (pm_type,pm_addr,pm_user,pm_password,mac), found 3']],
    );
  });
});

describe('node summaries', () => {
  const ironicNode = (properties: Record<string, unknown>, extra: Partial<IronicNode> = {}): IronicNode => ({
    uuid: 'u',
    name: 'n',
    driver: 'fake-hardware',
    power_state: 'power off',
    provision_state: 'available',
    maintenance: false,
    last_error: null,
    properties,
    driver_info: {},
    ...extra,
  });

  it('reads profile and hardware, the strings inspector stores included', () => {
    const s = nodeSummary(ironicNode({ cpus: '8', memory_mb: '16384', local_gb: 100, cpu_arch: 'x86_64', capabilities: 'boot_option:local,profile:compute' }));
    assert.equal(s.profile, 'compute');
    assert.equal(hardwareText(s), '8 CPU · 16 GiB · 100 GB · x86_64');
    assert.equal(s.busy, false);
    assert.equal(nodeSummary(ironicNode({}, { target_provision_state: 'manageable' })).busy, true);
    assert.deepEqual(nodeCapabilities(ironicNode({ capabilities: { profile: 'control' } })), { profile: 'control' });
    assert.equal(hardwareText(nodeSummary(ironicNode({ memory_mb: 1500 }))), '1500 MiB');
  });
});
