import { describe, expect, it } from 'vitest';
import { canaryStepSchema } from '../../../src/core/runbook/schema.js';
import { bbwsPromotion } from '../session/traffic-oracle.js';

describe('canary start', () => {
  const { promotion } = bbwsPromotion();
  const canary = promotion.phases.flatMap((p) => p.steps).find((s) => s.kind === 'canary');

  it('is manual by default: the first traffic waits for a decision', () => {
    expect(canary).toMatchObject({ kind: 'canary', start: 'manual' });
  });

  it('may be automatic when the runbook says so, and nothing else', () => {
    const { start: _start, ...rest } = canary as NonNullable<typeof canary> & { start: string };
    expect(canaryStepSchema.parse({ ...rest, start: 'automatic' }).start).toBe('automatic');
    expect(canaryStepSchema.safeParse({ ...rest, start: 'later' }).success).toBe(false);
  });
});
