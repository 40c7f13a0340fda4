import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parse } from 'yaml';
import { bundledWorkbooks } from '../../src/tripleo/workbookInstaller';
import { formatRun, VALIDATION_GROUPS, VALIDATION_TAG, VALIDATIONS_WORKBOOK, validationRun } from '../../src/tripleo/validations';

interface WorkflowSpec {
  description?: string;
  tags?: string[];
  input?: (string | Record<string, unknown>)[];
  output?: Record<string, unknown>;
  'output-on-error'?: Record<string, unknown>;
}

// What any client relies on to list and read validations without this project's code.
describe('the validations convention of tripleo.validations.v1', () => {
  const wb = bundledWorkbooks(path.resolve(__dirname, '../../src/tripleo/workbooks')).find((w) => w.name === VALIDATIONS_WORKBOOK)!;
  const workflows = (parse(wb.definition) as { workflows: Record<string, WorkflowSpec> }).workflows;
  const validations = Object.entries(workflows).filter(([, w]) => w.tags?.includes(VALIDATION_TAG));

  it('tags each validation with known groups and describes it with a name line and a description', () => {
    assert.ok(validations.length >= 8);
    for (const [id, w] of validations) {
      const groups = w.tags!.filter((t) => t.startsWith('group:')).map((t) => t.slice(6));
      assert.ok(groups.length > 0, `${id} has no group`);
      for (const g of groups) assert.ok((VALIDATION_GROUPS as readonly string[]).includes(g), `${id}: unknown group ${g}`);
      const [name, ...rest] = (w.description ?? '').split('\n');
      assert.ok(name.length > 5 && name.length < 60 && !name.endsWith('.'), `${id}: name line "${name}"`);
      assert.ok(rest.join(' ').length > 40, `${id}: no description`);
    }
  });

  it('gives every validation the plan as `container` and the same outputs, a fail ending in ERROR', () => {
    for (const [id, w] of validations) {
      assert.ok(
        w.input?.some((i) => typeof i === 'object' && 'container' in i),
        `${id}: no optional container input`,
      );
      for (const key of ['status', 'validation', 'result', 'plan', 'message', 'messages']) {
        assert.ok(w.output && key in w.output, `${id}: output lacks ${key}`);
        assert.ok(w['output-on-error'] && key in w['output-on-error'], `${id}: output-on-error lacks ${key}`);
      }
      assert.equal(w.output!.validation, id);
      assert.equal(w['output-on-error']!.result, 'fail');
    }
  });

  it('reads an execution: result from the output, a cancelled or running one from its state, a token in an error redacted', () => {
    const base = { id: 'e1', workflow_name: `${VALIDATIONS_WORKBOOK}.node_counts`, created_at: '2026-01-01 00:00:00', input: '{"container": "overcloud"}' };
    const warn = validationRun({ ...base, state: 'SUCCESS', output: JSON.stringify({ result: 'warning', message: 'm', messages: ['a', 'b'] }) });
    assert.deepEqual([warn.validation, warn.plan, warn.result, warn.message, warn.messages], ['node_counts', 'overcloud', 'warning', 'm', ['a', 'b']]);
    assert.equal(validationRun({ ...base, state: 'CANCELLED', output: '{}' }).result, 'cancelled');
    assert.equal(validationRun({ ...base, state: 'RUNNING' }).result, 'running');
    const broken = validationRun({
      ...base,
      state: 'ERROR',
      state_info: "Can not evaluate YAQL {'auth_token': 'gAAAAABsecretsecretsecretsecretsecretsecretsecret'}",
    });
    assert.equal(broken.result, 'fail');
    assert.ok(!broken.message.includes('secret'), broken.message);
    assert.equal(formatRun(warn), 'node_counts  WARNING  plan overcloud  2026-01-01 00:00:00  execution e1\n  m\n    - a\n    - b');
  });
});
