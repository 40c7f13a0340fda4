import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { bundledWorkbooks } from '../../src/tripleo/workbookInstaller';

// Mistral only evaluates a value as YAQL when the whole string is one `<% ... %>`: a line break
// inside (from a YAML block scalar) silently turns the expression into a plain string.
describe('the Mistral workbooks the project ships', () => {
  const workbooks = bundledWorkbooks(path.resolve(__dirname, '../../src/tripleo/workbooks'));

  it('are versioned and named tripleo.*.v1', () => {
    const names = workbooks.map((w) => w.name);
    for (const n of ['tripleo.plan_management.v1', 'tripleo.deployment.v1', 'tripleo.baremetal.v1', 'tripleo.validations.v1'])
      assert.ok(names.includes(n), `${n} missing from ${names.join(', ')}`);
    for (const n of names) assert.match(n, /^tripleo\.[a-z_]+\.v1$/);
    for (const w of workbooks) assert.ok(w.version >= 1, `${w.name} has no workbook-version tag`);
  });

  it('keep every YAQL expression on one line', () => {
    const { parse } = require('yaml') as typeof import('yaml');
    const bad: string[] = [];
    const walk = (v: unknown, where: string) => {
      if (typeof v === 'string' && v.includes('<%') && v.trim().includes('\n')) bad.push(`${where}: ${v.slice(0, 80)}`);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
    };
    for (const w of workbooks) walk(parse(w.definition), w.name);
    assert.deepEqual(bad, []);
  });

  it('name only tasks that exist in their transitions', () => {
    const { parse } = require('yaml') as typeof import('yaml');
    const problems: string[] = [];
    for (const w of workbooks) {
      const wf = parse(w.definition).workflows as Record<string, { tasks: Record<string, Record<string, unknown>> }>;
      for (const [wfName, def] of Object.entries(wf)) {
        const names = new Set([...Object.keys(def.tasks), 'fail', 'succeed', 'pause', 'noop']);
        for (const [task, t] of Object.entries(def.tasks)) {
          for (const key of ['on-success', 'on-error', 'on-complete']) {
            const v = t[key];
            const targets =
              v === undefined ? [] : typeof v === 'string' ? [v] : (v as unknown[]).map((x) => (typeof x === 'string' ? x : Object.keys(x as object)[0]));
            for (const target of targets) if (!names.has(target.split('(')[0])) problems.push(`${w.name}.${wfName}.${task} ${key} -> ${target}`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  // a transition to a task named pause would pause the workflow instead of running the task
  it('name no task after an engine command', () => {
    const { parse } = require('yaml') as typeof import('yaml');
    const clashes: string[] = [];
    for (const w of workbooks)
      for (const [wfName, def] of Object.entries(parse(w.definition).workflows as Record<string, { tasks: Record<string, unknown> }>))
        for (const task of Object.keys(def.tasks)) if (['fail', 'succeed', 'pause', 'noop'].includes(task)) clashes.push(`${w.name}.${wfName}.${task}`);
    assert.deepEqual(clashes, []);
  });

  // one request answers at most a page (Ironic 1000, Swift 10,000): a collection is listed through list_all
  it('list Ironic nodes and ports and Swift containers only page by page (tripleo.common.v1.list_all)', () => {
    const { parse } = require('yaml') as typeof import('yaml');
    const single: string[] = [];
    for (const w of workbooks)
      for (const [wfName, def] of Object.entries(
        parse(w.definition).workflows as Record<string, { tasks: Record<string, { action?: string; input?: { url?: string } }> }>,
      ))
        for (const [task, t] of Object.entries(def.tasks)) {
          const url = String(t.input?.url ?? '');
          if (
            t.action === 'std.http' &&
            /\/v1\/(nodes|ports)(\/detail)?(\?|$)|\$\.swift %>\/<% \$\.container %>(\?|$)/.test(url) &&
            !/method/.test(JSON.stringify(t.input))
          )
            single.push(`${w.name}.${wfName}.${task}: ${url}`);
        }
    assert.deepEqual(single, []);
  });

  it('define introspect, provide and manage once: set_provision_state with their verb and target', () => {
    const { parse } = require('yaml') as typeof import('yaml');
    const wb = workbooks.find((w) => w.name === 'tripleo.baremetal.v1')!;
    const wf = parse(wb.definition).workflows as Record<string, { tasks: Record<string, { workflow?: string; input?: Record<string, unknown> }> }>;
    const moves = ['introspect', 'provide', 'manage'].map((name) => {
      const tasks = Object.values(wf[name].tasks);
      assert.deepEqual(
        tasks.map((t) => t.workflow),
        ['set_provision_state'],
        name,
      );
      return [tasks[0].input?.verb, tasks[0].input?.target, tasks[0].input?.select_state];
    });
    assert.deepEqual(moves, [
      ['inspect', 'manageable', 'manageable'],
      ['provide', 'available', 'manageable'],
      ['manage', 'manageable', 'available'],
    ]);
  });
});
