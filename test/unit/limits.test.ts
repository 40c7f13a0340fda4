import * as assert from 'node:assert/strict';
import { PlanError } from '../../src/tripleo/errors';
import { checkPlanSize, LIMITS } from '../../src/tripleo/limits';

describe('plan limits', () => {
  const files = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}.yaml`, size: 10 }));

  it('accepts a plan of exactly the file limit', () => {
    assert.doesNotThrow(() => checkPlanSize(files(LIMITS.planFiles), 'plan "p"'));
  });

  it('refuses one file more, naming the limit and the count', () => {
    assert.throws(
      () => checkPlanSize(files(LIMITS.planFiles + 1), 'plan "p"'),
      (e: Error) =>
        e instanceof PlanError &&
        e.code === 'plan-too-large' &&
        e.message === 'plan "p": 5001 files, more than the 5000 a plan may have (the workflows read every file into Mistral)',
    );
  });
});
