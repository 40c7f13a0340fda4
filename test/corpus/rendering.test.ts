import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderPlanTemplates, rolesDataFromFolder } from '../../src/tripleo/templateRendering';
import { corpusTree, describeCorpus } from '../support/corpus';
import { readTree } from '../support/files';
import { ROOT } from '../support/undercloud';

interface OracleOutput {
  rendered: Record<string, string>;
  errors: Record<string, string>;
  seconds: number[];
}

/** Python's Jinja2 processing the same tree (test/support/render_oracle.py). */
export function pythonRender(tree: string, rolesData?: string, runs = 1): OracleOutput {
  const args = [path.join(ROOT, 'test/support/render_oracle.py'), tree, '--runs', String(runs)];
  let tmp: string | undefined;
  if (rolesData !== undefined) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'roles-data-'));
    fs.writeFileSync(path.join(tmp, 'roles_data.yaml'), rolesData);
    args.push('--roles-data', path.join(tmp, 'roles_data.yaml'));
  }
  try {
    return JSON.parse(execFileSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 30 }));
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}:\n  jinja2: ${JSON.stringify(lb[i])}\n  ours:   ${JSON.stringify(la[i])}`;
  }
  return 'identical lines';
}

function assertSameAsPython(tree: string, rolesData?: string): void {
  const root = corpusTree(tree);
  const files = readTree(root);
  const ours = renderPlanTemplates(files, rolesData === undefined ? {} : { rolesData });
  const python = pythonRender(root, rolesData);
  assert.deepEqual(
    ours.errors.map((e) => e.message),
    [],
    'our renderer failed on files Python rendered',
  );
  assert.deepEqual(python.errors, {}, 'Python failed to render');
  const ourNames = ours.rendered.map((r) => r.path).sort();
  assert.deepEqual(ourNames, Object.keys(python.rendered).sort(), 'rendered file names differ');
  assert.ok(ourNames.length > 0);
  const differing: string[] = [];
  for (const r of ours.rendered) {
    const want = python.rendered[r.path];
    if (r.text !== want) differing.push(`${r.path} (from ${r.source}) differs at ${firstDifference(r.text, want)}`);
    assert.equal(r.lines.length, r.text.split('\n').length, `${r.path}: one source line per output line`);
  }
  assert.deepEqual(differing, [], `${differing.length} of ${ourNames.length} files differ from Python's Jinja2`);
}

describeCorpus('rendering like tripleo-common, byte-identical to Python Jinja2', (trees) => {
  for (const tree of trees) {
    it(`${tree}: default roles and networks`, function () {
      this.timeout(600000);
      assertSameAsPython(tree);
    });
    const hasRoles = fs.existsSync(path.join(corpusTree(tree), 'roles'));
    if (hasRoles) {
      it(`${tree}: roles_data made of every role in roles/`, function () {
        this.timeout(600000);
        const files = readTree(corpusTree(tree));
        const rolesData = rolesDataFromFolder(files);
        assert.ok(rolesData.split('\n- name:').length > 10);
        assertSameAsPython(tree, rolesData);
      });
    }
  }

  it('renders the new role files after a role is added to roles_data.yaml', function () {
    this.timeout(600000);
    const tree = trees[trees.length - 1];
    const files = readTree(corpusTree(tree));
    const before = new Set(renderPlanTemplates(files).rendered.map((r) => r.path));
    const rolesData = files.get('roles_data.yaml') + '\n- name: Edge\n  CountDefault: 1\n  ServicesDefault:\n    - OS::TripleO::Services::Ntp\n';
    const after = renderPlanTemplates(files, { rolesData });
    const added = after.rendered.map((r) => r.path).filter((p) => !before.has(p));
    assert.ok(added.includes('puppet/edge-role.yaml'), `new files: ${added.join(', ')}`);
    assert.ok(added.every((p) => /edge/.test(p)), `only Edge files are new: ${added.join(', ')}`);
    const overcloud = after.rendered.find((r) => r.path === 'overcloud.yaml')!;
    assert.match(overcloud.text, /EdgeCount/);
  });
});
