import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { flavorSpecs, syncFlavors } from '../../src/tripleo/flavors';
import { updatePlanParameters } from '../../src/tripleo/parameters';
import { createPlan, deletePlan, listPlanRoles } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { copyCorpusTree, describeCorpus } from '../support/corpus';
import { uniqueName, undercloudProfile } from '../support/undercloud';

// the newest released tree: every role of its roles_data.yaml gets a flavor
describeCorpus('flavors for every role of a released tripleo-heat-templates plan (real Nova)', (trees) => {
  const tree = trees.includes('queens') ? 'queens' : trees[trees.length - 1];
  describe(tree, function () {
    this.timeout(900_000);
    let uc: Undercloud;
    let folder: string;
    const plan = uniqueName(`flv-${tree.replace(/-eol$/, '')}`);
    const suffix = uniqueName('f');
    let flavorNames: string[] = [];

    before(async () => {
      uc = new Undercloud(undercloudProfile());
      folder = copyCorpusTree(tree);
      await createPlan(uc, plan, folder);
    });
    after(async () => {
      for (const f of await uc.nova.listFlavors()) if (flavorNames.includes(f.name)) await uc.nova.deleteFlavor(f.id);
      await deletePlan(uc, plan).catch(() => undefined);
      fs.rmSync(folder, { recursive: true, force: true });
      uc.dispose();
    });

    it('sync creates one flavor per role with its profile; a second sync changes nothing', async () => {
      const roles = (await listPlanRoles(uc, plan)).map((r) => r.name);
      assert.ok(roles.length >= 5, roles.join(', '));
      // Nova's flavors are global: names of this run only, set through the plan's Overcloud<Role>Flavor
      await updatePlanParameters(uc, plan, Object.fromEntries(roles.map((r) => [`Overcloud${r}Flavor`, `${r.toLowerCase()}-${suffix}`])));
      flavorNames = roles.map((r) => `${r.toLowerCase()}-${suffix}`);
      const first = await syncFlavors(uc, plan);
      assert.deepEqual(
        first.flavors.map((f) => [f.role, f.flavor, f.profile, f.action]),
        roles.map((r) => [r, `${r.toLowerCase()}-${suffix}`, `${r.toLowerCase()}-${suffix}`, 'created']),
      );
      const inNova = new Map((await uc.nova.listFlavors()).map((f) => [f.name, f]));
      for (const name of flavorNames) assert.deepEqual(inNova.get(name)?.extra_specs, flavorSpecs(name), name);
      const again = await syncFlavors(uc, plan);
      assert.deepEqual(
        again.flavors.map((f) => f.action),
        roles.map(() => 'unchanged'),
      );
    });
  });
});
