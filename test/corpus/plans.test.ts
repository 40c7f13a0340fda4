import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { HeatNestedParameters } from '../../src/openstack/heat';
import { getPlanParameters, planHeatRequest, readPlanFiles, updatePlanParameters } from '../../src/tripleo/parameters';
import { readPlanData, requirePlanData } from '../../src/tripleo/planData';
import { createPlan, deletePlan, getPlanCapabilities, listPlanRoles, planFileNames, updatePlan, updatePlanCapabilities } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { copyCorpusTree, describeCorpus } from '../support/corpus';
import { uniqueName, undercloudProfile } from '../support/undercloud';

const ISOLATION = 'environments/network-isolation.yaml';

interface MapEnvironment {
  file: string;
  requires?: string[];
}
interface MapFile {
  topics: { title?: string; environment_groups?: { title?: string; environments?: MapEnvironment[] }[] }[];
}

// The tree's own files read as plain data (PyYAML-compatible enough for these few keys)
const readYaml = <T>(folder: string, file: string): T => parse(fs.readFileSync(path.join(folder, file), 'utf8'), { version: '1.1', uniqueKeys: false }) as T;

/** Every parameter name Heat reports for a validation, the root's and every nested template's. */
function heatParameterNames(v: { Parameters?: Record<string, unknown>; NestedParameters?: Record<string, HeatNestedParameters> }): Set<string> {
  const names = new Set(Object.keys(v.Parameters ?? {}));
  const walk = (nested: Record<string, HeatNestedParameters> | undefined) => {
    for (const n of Object.values(nested ?? {})) {
      for (const name of Object.keys(n.Parameters ?? {})) names.add(name);
      walk(n.NestedParameters);
    }
  };
  walk(v.NestedParameters);
  return names;
}

describeCorpus('released tripleo-heat-templates as plans (real undercloud)', (trees) => {
  for (const tree of trees) {
    describe(tree, function () {
      this.timeout(600_000);
      let uc: Undercloud;
      let folder: string;
      const plan = uniqueName(`tht-${tree.replace(/-eol$/, '')}`);

      before(() => {
        uc = new Undercloud(undercloudProfile());
        folder = copyCorpusTree(tree);
      });
      after(async () => {
        await deletePlan(uc, plan).catch(() => undefined);
        fs.rmSync(folder, { recursive: true, force: true });
        uc.dispose();
      });

      it('plan create succeeds and stores the rendered templates beside their sources', async () => {
        const r = await createPlan(uc, plan, folder);
        assert.match(r.message, new RegExp(plan));
        const names = new Set(await planFileNames(uc, plan));
        assert.ok(names.has('overcloud.j2.yaml') && names.has('overcloud.yaml'), 'overcloud.yaml rendered beside overcloud.j2.yaml');
        assert.ok(names.has('puppet/controller-role.yaml'), 'the Controller role template rendered');
      });

      it('capabilities get lists every topic and group of the map', async () => {
        const map = readYaml<MapFile>(folder, 'capabilities-map.yaml');
        const topics = await getPlanCapabilities(uc, plan);
        for (const t of map.topics) {
          const shown = topics.find((x) => (x.title ?? '') === (t.title ?? ''));
          assert.ok(shown, `topic "${t.title}" missing`);
          assert.equal(shown.groups.length, t.environment_groups?.length ?? 0, `groups of topic "${t.title}"`);
        }
      });

      it('capabilities set enables network isolation with what it requires', async () => {
        const map = readYaml<MapFile>(folder, 'capabilities-map.yaml');
        const isolation = map.topics
          .flatMap((t) => t.environment_groups ?? [])
          .flatMap((g) => g.environments ?? [])
          .find((e) => e.file === ISOLATION);
        assert.ok(isolation?.requires?.length, `${ISOLATION} has requires in the map`);
        const selected = await updatePlanCapabilities(uc, plan, Object.fromEntries([ISOLATION, ...isolation.requires].map((f) => [f, true])));
        for (const f of [ISOLATION, ...isolation.requires]) assert.ok(selected.includes(f), `${f} selected`);
        const data = await requirePlanData(uc.mistral, plan);
        assert.ok(data.environments.some((e) => 'path' in e && e.path === ISOLATION));
      });

      it("roles list names the tree's roles", async () => {
        const roles = readYaml<{ name: string }[]>(folder, 'roles_data.yaml').map((r) => r.name);
        assert.deepEqual(
          (await listPlanRoles(uc, plan)).map((r) => r.name),
          roles,
        );
      });

      it('parameters get returns every parameter Heat reports with show_nested', async () => {
        const { files } = await readPlanFiles(uc, plan);
        const data = await requirePlanData(uc.mistral, plan);
        const req = planHeatRequest(files, data);
        const heat = await uc.heat.validate({ template: req.template, files: req.files, environmentFiles: req.environment_files }, { showNested: true });
        const expected = heatParameterNames(heat);
        assert.ok(expected.size > 100, `Heat reports ${expected.size} parameters`);
        const ours = new Set((await getPlanParameters(uc, plan)).parameters.map((p) => p.name));
        assert.deepEqual(
          [...expected].filter((n) => !ours.has(n)),
          [],
          'parameters Heat reports that the plan misses',
        );
        assert.deepEqual(
          [...ours].filter((n) => !expected.has(n)),
          [],
          'parameters the plan has that Heat does not report',
        );
      });

      it('parameters set keeps a typed value', async () => {
        await updatePlanParameters(uc, plan, { ComputeCount: 3, Debug: true, NtpServer: ['0.pool.ntp.org'] });
        const data = await readPlanData(uc.mistral, plan);
        assert.deepEqual(
          { ComputeCount: data?.parameter_defaults.ComputeCount, Debug: data?.parameter_defaults.Debug, NtpServer: data?.parameter_defaults.NtpServer },
          { ComputeCount: 3, Debug: true, NtpServer: ['0.pool.ntp.org'] },
        );
        const byName = new Map((await getPlanParameters(uc, plan)).parameters.map((p) => [p.name, p]));
        assert.equal(byName.get('ComputeCount')?.value, 3);
        assert.equal(byName.get('Debug')?.value, true);
      });

      it("plan update after adding a role to roles_data.yaml renders the new role's files", async () => {
        const roleSources = fs.readFileSync(path.join(folder, 'roles_data.yaml'), 'utf8').match(/^- name: Compute\n(?:(?!- name:).*\n?)*/m);
        assert.ok(roleSources, 'roles_data.yaml has a Compute role to copy');
        const added = roleSources[0]
          .replace('- name: Compute', '- name: ComputeExtra')
          .replace(/^(\s+)HostnameFormatDefault:.*$/m, "$1HostnameFormatDefault: '%stackname%-computeextra-%index%'");
        fs.appendFileSync(path.join(folder, 'roles_data.yaml'), `\n${added}`);
        const r = await updatePlan(uc, plan, folder);
        const names = new Set(await planFileNames(uc, plan));
        assert.ok(names.has('puppet/computeextra-role.yaml'), 'puppet/computeextra-role.yaml rendered');
        assert.ok(r.upload.uploaded.includes('puppet/computeextra-role.yaml'));
        assert.ok(r.upload.uploaded.includes('overcloud.yaml'), 'overcloud.yaml rendered again with the new role');
        assert.match(await uc.swift.getObjectText(plan, 'overcloud.yaml'), /ComputeExtraCount:/);
        assert.ok((await listPlanRoles(uc, plan)).some((x) => x.name === 'ComputeExtra'));
      });

      it('plan delete leaves no container and no plan environment behind', async () => {
        await deletePlan(uc, plan);
        assert.equal(await uc.swift.containerMetadata(plan), undefined);
        assert.equal(await readPlanData(uc.mistral, plan), undefined);
      });
    });
  }
});
