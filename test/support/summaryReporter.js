// Mocha's spec reporter plus the closing line CI reads: "N passed, N failed".
'use strict';
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tier = process.env.TEST_TIER ? `${process.env.TEST_TIER}: ` : '';
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      // a skipped (pending) test counts as neither; CI would see it in the spec output
      console.log(`${tier}${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ''}`);
    });
  }
}
module.exports = SummaryReporter;
