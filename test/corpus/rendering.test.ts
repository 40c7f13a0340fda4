import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RenderedTemplate, renderPlanTemplates, rolesDataFromFolder } from '../../src/tripleo/templateRendering';
import { corpusTree, describeCorpus } from '../support/corpus';
import { readTree } from '../support/files';
import { pythonRender } from '../support/renderOracle';

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}:\n  jinja2: ${JSON.stringify(lb[i])}\n  ours:   ${JSON.stringify(la[i])}`;
  }
  return 'identical lines';
}

/**
 * Each output line has an origin, and an output line whose origin is a template line without any Jinja
 * (no `{`, `}`, `#` or `%`) starts with that line's text: the map points at the text that produced it.
 */
function checkLineMap(r: RenderedTemplate, files: ReadonlyMap<string, string>): void {
  const out = r.text.split('\n');
  assert.equal(r.lines.length, out.length, `${r.path}: one origin per output line`);
  const sources = new Map<string, string[]>();
  r.lines.forEach((o, i) => {
    if (!sources.has(o.file)) sources.set(o.file, files.get(o.file)!.replace(/\r\n?/g, '\n').split('\n'));
    const src = sources.get(o.file)!;
    assert.ok(o.line >= 0 && o.line < src.length, `${r.path}:${i + 1} maps to ${o.file}:${o.line + 1}, beyond its end`);
    const line = src[o.line];
    const previous = o.line > 0 ? src[o.line - 1] : '';
    // an empty line has no first character (it maps to the newline before it); a line after a `-%}` or
    // `-}}` may start mid-line: check the lines that are plain text through and through
    // (a `{%-` on the next line may strip its end and join what follows)
    if (out[i] !== '' && !/[{}#%]/.test(line) && !/-[%}]\}\s*$/.test(previous) && !out[i].startsWith(line.trimEnd())) {
      assert.fail(`${r.path}:${i + 1} ${JSON.stringify(out[i])} maps to ${o.file}:${o.line + 1} ${JSON.stringify(line)}`);
    }
  });
}

function assertSameAsPython(tree: string, rolesData?: string): void {
  const root = corpusTree(tree);
  const files = readTree(root);
  const ours = renderPlanTemplates(files, rolesData === undefined ? {} : { rolesData });
  const python = pythonRender(root, { rolesData });
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
    checkLineMap(r, files);
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
    assert.ok(
      added.every((p) => /edge/.test(p)),
      `only Edge files are new: ${added.join(', ')}`,
    );
    const overcloud = after.rendered.find((r) => r.path === 'overcloud.yaml')!;
    assert.match(overcloud.text, /EdgeCount/);
  });
});
