import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Tests that race the wall clock: a real terminal and an engine process at an accelerated clock
 * (e2e), engines killed and taken up again (crash, hang-up), a sandbox in a child process, the
 * package build and install. Two at a time, after the virtual-clock files: side by side each took
 * 1.0-1.4x its time alone (orphan-command 2x, all within its bounds), and the group 413 s instead
 * of 685 s.
 */
const WALL_CLOCK = [
  'test/e2e/**/*.test.ts',
  'test/engine/crash/**/*.test.ts',
  'test/engine/guard/sighup.test.ts',
  'test/sandbox/rehearsal-without-emulators.test.ts',
  'test/engine/host/session-socket.test.ts',
  'test/scripts/prepack.test.ts',
];

/**
 * Tests whose figure is real time, so nothing else may run beside them: load tests whose measured
 * latency is the subject (one compares a p95 with and without a screen drawing beside it), the
 * countdown in real seconds, and the throttled canary (its monitoring once judged 7 samples, not
 * 119, on a busy machine, not yet understood). One file at a time, last.
 */
const ALONE = [
  'test/services/load*.test.ts',
  'test/services/load*.test.tsx',
  'test/engine/auto-rollback-hold.test.ts',
  'test/engine/canary-throttled.test.ts',
];

export default defineConfig({
  test: {
    // A budget for a busy machine, not a speed target: a passing test returns as soon as it is done.
    // (No retry: a test that passes on its second try hides what made it fail on the first.)
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'virtual-clock',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: [...WALL_CLOCK, ...ALONE],
          // The engine's tests run on test/support/test-clock.ts: a sample is due when the clock
          // says, however busy the machine, so files run side by side on every core.
          maxWorkers: Math.max(1, availableParallelism()),
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'wall-clock',
          include: WALL_CLOCK,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'src/**/*.tsx'],
      exclude: ['src/**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      // The runbook's own bar (seed 8.1), applied to ourselves.
      thresholds: { lines: 80 },
    },
  },
});
