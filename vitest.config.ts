import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Tests that measure or race the wall clock: a real terminal and an engine process at an
 * accelerated clock (e2e), engines killed and taken up again (crash), real load tests whose
 * latency is the figure, and the package build. Two of them side by side on two cores starve each
 * other's polls, so they run one file at a time, after the rest.
 */
const WALL_CLOCK = [
  'test/e2e/**/*.test.ts',
  'test/engine/crash/**/*.test.ts',
  'test/engine/guard/sighup.test.ts',
  // Rehearsals on the accelerated wall clock: a sandbox in a child process, real seconds.
  'test/sandbox/rehearsal-without-emulators.test.ts',
  'test/engine/auto-rollback-hold.test.ts',
  'test/engine/host/session-socket.test.ts',
  'test/engine/canary-throttled.test.ts',
  'test/scripts/prepack.test.ts',
  'test/services/load*.test.ts',
  'test/services/load*.test.tsx',
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
          exclude: WALL_CLOCK,
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
          fileParallelism: false,
          sequence: { groupOrder: 1 },
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
