// Prints vitest's JSON report as one closing line ("N passed, N failed") per
// tier and overall, and fails when no test ran at all. The tiers follow
// vitest.config.ts: the e2e tier holds test/e2e and the test cluster's self-tests.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`summary: cannot read the vitest report ${file}: ${error.message}`);
  process.exit(1);
}

const tiers = new Map();
for (const suite of report.testResults ?? []) {
  for (const test of suite.assertionResults ?? []) {
    const tier = suite.name.includes('/apps/web/e2e/')
      ? 'browser'
      : suite.name.includes('/test/e2e/') || suite.name.includes('/test/cluster/')
        ? 'e2e'
        : suite.name.includes('/test/integration/')
          ? 'integration'
          : 'unit';
    const t = tiers.get(tier) ?? { passed: 0, failed: 0, skipped: 0 };
    if (test.status === 'passed') t.passed++;
    else if (test.status === 'failed') t.failed++;
    else t.skipped++;
    tiers.set(tier, t);
  }
}
for (const [tier, t] of [...tiers].sort()) {
  console.log(`  ${tier}: ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`);
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (passed === 0) {
  console.error('summary: no test ran');
  process.exit(1);
}
if (skipped > 0) {
  console.error(`summary: ${skipped} test(s) were skipped; every tier must run in CI`);
  process.exit(1);
}
process.exit(failed > 0 || report.success === false ? 1 : 0);
