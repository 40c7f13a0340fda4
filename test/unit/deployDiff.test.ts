import * as assert from 'node:assert/strict';
import { diffParameters, formatDeployDiff } from '../../src/tripleo/deployDiff';
import { unifiedDiff } from '../../src/tripleo/textDiff';

describe('the deploy diff', () => {
  it('writes a unified diff with context and one hunk per distant change, like diff -u', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', 'line 18\nline 18b\n');
    assert.equal(
      unifiedDiff(before, after, 'stack/t.yaml', 'plan/t.yaml'),
      [
        '--- stack/t.yaml',
        '+++ plan/t.yaml',
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+line two',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -16,5 +16,6 @@',
        ' line 16',
        ' line 17',
        ' line 18',
        '+line 18b',
        ' line 19',
        ' line 20',
        '',
      ].join('\n'),
    );
    assert.equal(unifiedDiff(before, before, 'a', 'b'), '');
    assert.equal(unifiedDiff('', 'new\n', 'a', 'b'), '--- a\n+++ b\n@@ -0,0 +1,1 @@\n+new\n');
  });

  it('masks secrets: names redact() knows and the generated passwords, whatever their name', () => {
    const changes = diffParameters(
      { ComputeCount: 2, AdminPassword: 'old-secret', RabbitCookie: 'c1', Same: 1 },
      { ComputeCount: 1, AdminPassword: 'new-secret', RabbitCookie: 'c2', Same: 1, Added: 'x' },
      new Set(['RabbitCookie']),
    );
    assert.deepEqual(
      changes.map((c) => [c.name, c.secret]),
      [
        ['Added', false],
        ['AdminPassword', true],
        ['ComputeCount', false],
        ['RabbitCookie', true],
      ],
    );
    const text = formatDeployDiff({
      plan: 'p',
      stackStatus: 'CREATE_COMPLETE',
      files: [],
      environments: { added: ['environments/a.yaml'], removed: [] },
      parameters: changes,
      changes: 5,
    });
    assert.doesNotMatch(text, /old-secret|new-secret|c1|c2/);
    assert.match(text, /^ {2}AdminPassword: changed \(secret\)$/m);
    assert.match(text, /^ {2}ComputeCount: 2 -> 1$/m);
    assert.match(text, /^ {2}Added: \(unset\) -> "x"$/m);
    assert.match(text, /^environments:\n {2}\+ environments\/a\.yaml$/m);
  });
});
