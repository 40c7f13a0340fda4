import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { flavorSpecs, roleFlavorStatus, syncFlavors } from '../../src/tripleo/flavors';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { createPlan } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { runValidation } from '../../src/tripleo/validations';
import { bundledWorkbooks } from '../../src/tripleo/workbookInstaller';
import { removeStackAndPlan, ROOT, uniqueName, undercloudProfile, tripleoCli } from '../support/undercloud';

const SAMPLE = path.join(ROOT, 'samples/overcloud-lite');
const randomMac = () => `52:54:00:${[0, 0, 0].map(() => crypto.randomInt(256).toString(16).padStart(2, '0')).join(':')}`;

const tripleo = tripleoCli();

describe('flavors in the real Nova, one per role of a plan', function () {
  this.timeout(300_000);
  let uc: Undercloud;
  const plan = uniqueName('flv');
  // Nova's flavors are global: this plan's flavors get names no other test uses
  const controlFlavor = uniqueName('control');
  const computeFlavor = uniqueName('compute');
  const node = uniqueName('flv-node');

  before(async () => {
    uc = new Undercloud(undercloudProfile());
    await createPlan(uc, plan, SAMPLE);
    await updatePlanParameters(uc, plan, { OvercloudControllerFlavor: controlFlavor, OvercloudComputeFlavor: computeFlavor });
  });

  after(async () => {
    for (const f of await uc.nova.listFlavors()) if (f.name === controlFlavor || f.name === computeFlavor) await uc.nova.deleteFlavor(f.id);
    const n = await uc.ironic.getNode(node).catch(() => undefined);
    if (n?.provision_state === 'available') {
      await uc.ironic.setProvisionState(node, 'manage').catch(() => undefined);
      await uc.ironic.waitForProvisionState(node, 'manageable', { timeoutMs: 30_000 }).catch(() => undefined);
    }
    await uc.ironic.deleteNode(node).catch(() => undefined);
    await removeStackAndPlan(plan);
    uc.dispose();
  });

  it("sync creates a flavor per role with its profile and TripleO's resources; a second sync changes nothing; a drifted spec is put back", async () => {
    const first = await syncFlavors(uc, plan);
    assert.deepEqual(
      first.flavors.map((f) => [f.role, f.flavor, f.profile, f.action]),
      [
        ['Controller', controlFlavor, controlFlavor, 'created'],
        ['Compute', computeFlavor, computeFlavor, 'created'],
      ],
    );
    const inNova = (await uc.nova.listFlavors()).filter((f) => f.name === controlFlavor || f.name === computeFlavor);
    assert.equal(inNova.length, 2);
    for (const f of inNova) {
      assert.deepEqual(f.extra_specs, flavorSpecs(f.name));
      assert.deepEqual([f.ram, f.vcpus, f.disk], [4096, 1, 40]);
    }

    const again = await syncFlavors(uc, plan);
    assert.deepEqual(
      again.flavors.map((f) => [f.action, f.id]),
      first.flavors.map((f) => ['unchanged', f.id]),
    );

    await uc.nova.setExtraSpecs(first.flavors[1].id, { 'capabilities:profile': 'somebody-else', 'resources:CUSTOM_BAREMETAL': '2' });
    const { stdout } = await tripleo('flavor', 'sync', plan, '--json');
    const cli = JSON.parse(stdout) as { flavors: { role: string; action: string; changedSpecs: string[] }[] };
    assert.deepEqual(
      cli.flavors.map((f) => [f.role, f.action, f.changedSpecs]),
      [
        ['Controller', 'unchanged', []],
        ['Compute', 'updated', ['capabilities:profile', 'resources:CUSTOM_BAREMETAL']],
      ],
    );

    const list = JSON.parse((await tripleo('flavor', 'list', '--json')).stdout) as { name: string; profile?: string }[];
    assert.equal(list.find((f) => f.name === computeFlavor)?.profile, computeFlavor);
  });

  it("node_counts: passes with a node of the flavor's profile; fails naming the role once its flavor asks for a profile no node has", async () => {
    const created = await uc.ironic.createNode({
      driver: 'fake-hardware',
      name: node,
      properties: { cpus: 4, memory_mb: 8192, local_gb: 40, cpu_arch: 'x86_64', capabilities: `profile:${controlFlavor},boot_option:local` },
    });
    await uc.ironic.createPort(created.uuid, randomMac());
    await uc.ironic.setProvisionState(node, 'manage');
    await uc.ironic.waitForProvisionState(node, 'manageable', { timeoutMs: 60_000 });
    await uc.ironic.setProvisionState(node, 'provide');
    await uc.ironic.waitForProvisionState(node, 'available', { timeoutMs: 60_000 });
    await updatePlanParameters(uc, plan, { ComputeCount: 0 });

    const status = await roleFlavorStatus(uc, plan);
    assert.deepEqual(
      status.map((s) => [s.role, s.flavor, s.exists, s.flavorProfile]),
      [
        ['Controller', controlFlavor, true, controlFlavor],
        ['Compute', computeFlavor, true, computeFlavor],
      ],
    );
    assert.ok(status[0].availableNodes >= 1);

    const only = { nodes: [node] };
    // other checkouts sharing this undercloud install their own copy (maybe a higher version): ours, right before each run
    const installOurs = () => uc.mistral.updateWorkbook(bundledWorkbooks().find((w) => w.name === 'tripleo.validations.v1')!.definition);
    await installOurs();
    const ok = await runValidation(uc, 'node_counts', { plan, input: only });
    assert.equal(ok.result, 'pass', `${ok.message}\n${ok.messages.join('\n')}`);
    assert.deepEqual(ok.messages, [`Controller: ControllerCount is 1, 1 available node(s) with profile ${controlFlavor}`]);

    const orphan = uniqueName('nobody');
    const controller = (await uc.nova.listFlavors()).find((f) => f.name === controlFlavor)!;
    await uc.nova.setExtraSpecs(controller.id, { 'capabilities:profile': orphan });
    await installOurs();
    const bad = await runValidation(uc, 'node_counts', { plan, input: only });
    assert.equal(bad.result, 'fail');
    assert.match(bad.messages.join('\n'), new RegExp(`^Controller: ControllerCount is 1 but only 0 available node\\(s\\) have profile ${orphan}`, 'm'));
  });
});
