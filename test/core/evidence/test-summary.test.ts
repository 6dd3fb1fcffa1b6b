import { describe, expect, it } from 'vitest';
import { testSummary } from '../../../src/core/evidence/test-summary.js';

describe('testSummary', () => {
  it('reads pytest summaries, counting errors as failures', () => {
    expect(
      testSummary('tests/test_orders.py ....\n================ 847 passed in 12.31s ================\n'),
    ).toEqual({
      passed: 847,
      failed: 0,
      runner: 'pytest',
    });
    expect(
      testSummary(
        'FAILED tests/test_auth.py::test_login\n=== 2 failed, 845 passed, 3 skipped, 4 warnings in 3.20s ===\n',
      ),
    ).toEqual({ passed: 845, failed: 2, skipped: 3, runner: 'pytest' });
    expect(testSummary('==== 1 failed, 10 passed, 1 error in 0.50s ====')).toMatchObject({
      passed: 10,
      failed: 2,
    });
    expect(
      testSummary('============================ no tests ran in 0.01s ============================='),
    ).toEqual({
      passed: 0,
      failed: 0,
      runner: 'pytest',
    });
  });

  it('reads the plain closing line "N passed, N failed"', () => {
    expect(testSummary('compiling...\nUnit: 12 passed, 1 failed\n')).toMatchObject({ passed: 12, failed: 1 });
  });

  it('reads jest summaries', () => {
    const output = `PASS src/api/orders.test.ts
FAIL src/api/products.test.ts
Test Suites: 1 failed, 41 passed, 42 total
Tests:       2 failed, 1 skipped, 845 passed, 848 total
Snapshots:   0 total
Time:        14.2 s`;
    expect(testSummary(output)).toEqual({ passed: 845, failed: 2, skipped: 1, runner: 'jest' });
  });

  it('reads vitest summaries, colours and all', () => {
    const output =
      '\u001b[2m Test Files \u001b[22m \u001b[1m\u001b[32m3 passed\u001b[39m\u001b[22m\u001b[90m (3)\u001b[39m\n' +
      '\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[31m2 failed\u001b[39m\u001b[22m\u001b[2m | \u001b[22m\u001b[1m\u001b[32m845 passed\u001b[39m\u001b[22m\u001b[90m (847)\u001b[39m\n';
    expect(testSummary(output)).toEqual({ passed: 845, failed: 2, runner: 'vitest' });
    expect(testSummary('      Tests  845 passed | 2 skipped (847)')).toEqual({
      passed: 845,
      failed: 0,
      skipped: 2,
      runner: 'vitest',
    });
  });

  it('reads mocha summaries', () => {
    expect(testSummary('\n  847 passing (3s)\n  4 pending\n  2 failing\n\n  1) orders\n')).toEqual({
      passed: 847,
      failed: 2,
      skipped: 4,
      runner: 'mocha',
    });
  });

  it('reads go test -v results and gotestsum', () => {
    const verbose = `=== RUN   TestCreateOrder
--- PASS: TestCreateOrder (0.00s)
=== RUN   TestListProducts
=== RUN   TestListProducts/empty
    --- PASS: TestListProducts/empty (0.00s)
--- FAIL: TestListProducts (0.01s)
--- SKIP: TestSlow (0.00s)
FAIL
FAIL	bbws/orders	0.012s`;
    expect(testSummary(verbose)).toEqual({ passed: 2, failed: 1, skipped: 1, runner: 'go' });
    expect(testSummary('DONE 12 tests, 1 skipped, 2 failures in 0.52s')).toEqual({
      passed: 9,
      failed: 2,
      skipped: 1,
      runner: 'go',
    });
  });

  it('reads node --test with the TAP and the spec reporters', () => {
    expect(
      testSummary('TAP version 13\nok 1 - adds\n1..5\n# tests 5\n# pass 5\n# fail 0\n# skipped 0\n'),
    ).toEqual({
      passed: 5,
      failed: 0,
      skipped: 0,
      runner: 'node',
    });
    expect(testSummary('✔ adds (0.5ms)\nℹ tests 3\nℹ pass 2\nℹ fail 1\n')).toMatchObject({
      passed: 2,
      failed: 1,
    });
  });

  it('finds no summary where there is none', () => {
    expect(testSummary('')).toBeNull();
    expect(testSummary('Success! The configuration is valid.\n')).toBeNull();
    expect(testSummary('Test Files  3 passed (3)')).toBeNull();
  });
});
