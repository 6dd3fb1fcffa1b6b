import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Half the cores, at least one (vitest's own default is all but one). A rehearsal test runs a
    // sandbox, an engine and often a screen, each with polls that must be answered within a real
    // period (0.1 s at x600): two such files on two cores starve each other, and the polls come
    // back STALE. On 2 cores this is 1, so the e2e files never run beside each other.
    maxWorkers: Math.max(1, Math.floor(availableParallelism() / 2)),
    // A budget for a busy machine, not a speed target: a passing test returns as soon as it is done.
    // (No retry: a test that passes on its second try hides what made it fail on the first.)
    testTimeout: 60_000,
    hookTimeout: 60_000,
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
