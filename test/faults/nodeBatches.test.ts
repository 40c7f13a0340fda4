import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { manageNodes, registerNodes, RegistrationResult } from '../../src/tripleo/nodes';
import { Undercloud } from '../../src/tripleo/undercloud';
import { uniqueName, undercloudProfile } from '../support/undercloud';
import { cli, tempDir } from './support';
import { fakeFleet } from '../support/nodes';

const fleet = (count: number, prefix = uniqueName('batch')) => fakeFleet(count, prefix);

/**
 * A node file larger than one batch goes to Mistral batch by batch (batch 5 here so that 12 nodes
 * make three executions), and --remove is decided once for the whole file.
 */
describe('faults: node files in batches on the real Ironic', function () {
  this.timeout(600_000);
  let uc: Undercloud;
  let work: string;
  const ours = new Set<string>();

  /** the registered nodes whose names start with the prefix, by name */
  const registeredNames = async (prefix: string) =>
    (await uc.ironic.listNodes())
      .filter((n) => n.name?.startsWith(prefix))
      .map((n) => n.name!)
      .sort();
  const write = (name: string, nodes: unknown) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, JSON.stringify({ nodes }, null, 2));
    return file;
  };

  before(() => {
    uc = new Undercloud(undercloudProfile());
    work = tempDir('nodes');
  });
  after(async () => {
    for (const n of await uc.ironic.listNodes()) if (n.name && [...ours].some((p) => n.name!.startsWith(p))) ours.add(n.uuid);
    for (const id of ours) {
      const n = await uc.ironic.getNode(id).catch(() => undefined);
      if (!n) continue;
      if (n.provision_state === 'available') await manageNodes(uc, [id]).catch(() => undefined);
      await uc.ironic.deleteNode(id).catch(() => undefined);
    }
    fs.rmSync(work, { recursive: true, force: true });
    uc.dispose();
  });

  it('12 nodes in batches of 5: dry run merged, registered by `node import` batch by batch, re-registered unchanged, --remove across batches', async () => {
    const prefix = uniqueName('batch');
    ours.add(prefix);
    const spec = fleet(12, prefix);
    const file = write('fleet.json', spec);

    const dry = await cli('node', 'import', file, '--dry-run', '--batch-size', '5');
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal((dry.stderr.match(/^batch \d\/3 \(nodes \d+–\d+\): dry run: would register \d, update 0 and remove 0 nodes$/gm) ?? []).length, 3, dry.stderr);
    assert.match(dry.stdout, /^dry run: would register 12, update 0 and remove 0 nodes \(in 3 batches of up to 5\)$/m);
    assert.equal((dry.stdout.match(/^would register\t/gm) ?? []).length, 12);
    assert.deepEqual(await registeredNames(prefix), [], 'a dry run changes nothing');

    const first = await cli('node', 'import', file, '--batch-size', '5', '--json');
    assert.equal(first.code, 0, first.stderr);
    const r1 = JSON.parse(first.stdout) as Pick<RegistrationResult, 'ok' | 'message' | 'registered' | 'batches'>;
    for (const n of r1.registered) ours.add(n.uuid);
    assert.equal(r1.message, 'registered 12, updated 0 and removed 0 nodes in 3 batches of up to 5');
    assert.deepEqual(
      r1.batches.map((b) => [b.index, b.first, b.last]),
      [
        [1, 1, 5],
        [2, 6, 10],
        [3, 11, 12],
      ],
    );
    const executions = new Set(r1.batches.map((b) => b.executionId));
    assert.equal(executions.size, 3, 'one execution per batch');
    for (const id of executions) {
      const ex = await uc.mistral.getExecution(id!);
      assert.ok(((JSON.parse(ex!.input ?? '{}') as { nodes: unknown[] }).nodes ?? []).length <= 5, 'no execution holds more than a batch');
    }
    assert.deepEqual(await registeredNames(prefix), spec.map((n) => n.name!).sort());
    for (const n of (await uc.ironic.listNodes()).filter((x) => x.name?.startsWith(prefix))) assert.equal(n.provision_state, 'manageable', n.name!);

    const again = await registerNodes(uc, spec, { batchSize: 5 });
    assert.equal(again.ok, true, again.message);
    assert.deepEqual([again.registered.length, again.updated.length], [0, 12]);
    assert.equal((await registeredNames(prefix)).length, 12, 'no duplicates');

    // one node dropped from the first batch and one from the last: a removal decided per batch would
    // also delete the nodes the other batches keep
    const kept = spec.filter((_, i) => i !== 1 && i !== 11);
    const keptFile = write('kept.json', kept);
    const dryRemove = await registerNodes(uc, kept, { batchSize: 5, remove: true, dryRun: true });
    assert.equal(dryRemove.ok, true, dryRemove.message);
    const dropped = [spec[1].name, spec[11].name].sort();
    assert.deepEqual(
      dryRemove.removed
        .map((n) => n.name)
        .filter((n) => n.startsWith(prefix))
        .sort(),
      dropped,
    );
    assert.equal((await registeredNames(prefix)).length, 12, 'a dry run removes nothing');

    const removed = await cli('node', 'import', keptFile, '--remove', '--batch-size', '5');
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stderr, /^removal step: removed \d+ nodes$/m);
    assert.match(removed.stdout, /^registered 0, updated 10 and removed \d+ nodes in 2 batches of up to 5$/m);
    assert.deepEqual(await registeredNames(prefix), kept.map((n) => n.name!).sort(), 'exactly the dropped nodes are gone');
  });

  it('a batch Ironic refuses stops the import: the message names the batches applied, the nodes registered and what was not sent', async () => {
    const prefix = uniqueName('half');
    ours.add(prefix);
    const spec = fleet(12, prefix);
    // a node already registered under the name node 7 of the file uses, with other MACs and address:
    // nothing matches it, so the check passes, and Ironic refuses the name when batch 2 creates it
    const squatter = fleet(1, `${prefix}-squat`).map((n) => ({ ...n, name: spec[6].name }));
    const sq = await registerNodes(uc, squatter);
    assert.equal(sq.ok, true, sq.message);
    for (const n of sq.registered) ours.add(n.uuid);

    const r = await cli('node', 'import', write('half.json', spec), '--batch-size', '5');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^batch 1\/3 \(nodes 1–5\): registered 5, updated 0 and removed 0 nodes$/m);
    assert.match(r.stderr, /^batch 2\/3 \(nodes 6–10\): FAILED: /m);
    assert.doesNotMatch(r.stderr, /^batch 3\/3/m, 'the batch after the failed one is not sent');
    assert.match(
      r.stdout,
      /^batch 2 of 3 \(nodes 6–10\) failed: .*; applied before it: batch 1 \(nodes 1–5: registered 5, updated 0\); registered in Ironic now: 5 of the file's 12 nodes \(.*\); not sent: batch 3 \(nodes 11–12\); run the same import again to finish/m,
    );
    const names = await registeredNames(prefix);
    assert.deepEqual(names, [...spec.slice(0, 5).map((n) => n.name!), spec[6].name!].sort(), 'batch 1 and the squatter, nothing of batches 2 and 3');
  });

  it('a file over the hard limit is refused before anything is sent, the limit named; a bad batch size too', async () => {
    const nodes = fleet(10_001);
    await assert.rejects(registerNodes(uc, nodes, { dryRun: true }), /10001 nodes in one file: at most 10000 nodes can be imported at once/);
    const big = await cli('node', 'import', write('big.json', nodes), '--dry-run');
    assert.equal(big.code, 1);
    assert.match(big.stderr, /10001 nodes in one file: at most 10000 nodes/);
    assert.doesNotMatch(big.stderr, /^execution /m, 'no execution was started');
    await assert.rejects(registerNodes(uc, fleet(2), { batchSize: 0 }), /batch size must be a whole number from 1 to 1000, not 0/);
  });
});
