import { describe, expect, it } from 'vitest';
import { verdictLabel, verdictRank, worstVerdict } from '../../../src/core/canary/verdict.js';

describe('verdict severity', () => {
  it('orders ROLLBACK > NO-GO > STALE > INSUFFICIENT > WATCH > PASS', () => {
    const ordered = (['PASS', 'WATCH', 'INSUFFICIENT', 'STALE', 'NO-GO', 'ROLLBACK'] as const).map(
      verdictRank,
    );
    expect([...ordered].sort((a, b) => a - b)).toEqual(ordered);
  });

  it('picks the worst verdict, none for no verdicts', () => {
    expect(worstVerdict(['PASS', 'STALE', 'WATCH'])).toBe('STALE');
    expect(worstVerdict(['PASS', 'PASS'])).toBe('PASS');
    expect(worstVerdict([])).toBeUndefined();
  });

  it('labels ROLLBACK with its count toward the sustained limit', () => {
    expect(verdictLabel('ROLLBACK', { streak: 2, sustained: 3 })).toBe('ROLLBACK 2/3');
    expect(verdictLabel('INSUFFICIENT')).toBe('INSUFFICIENT DATA');
    expect(verdictLabel('WATCH')).toBe('WATCH');
  });
});
