import { describe, expect, it } from 'vitest';
import { rollbackDecision } from '../../../src/core/canary/rollback-decision.js';

// Seed 10.2, one test per branch of the three trees.
describe('rollbackDecision: critical issue tree', () => {
  it('critical and P1 -> IMMEDIATE ROLLBACK, whatever the metrics say', () => {
    expect(
      rollbackDecision({ critical: true, p1: true, errorRatePct: 0.1, p95OverBaselineFactor: 1 }),
    ).toEqual({
      action: 'IMMEDIATE ROLLBACK',
      path: ['Critical issue detected? yes', 'P1 severity? yes -> IMMEDIATE ROLLBACK'],
    });
  });

  it('a P1 issue is critical even if not flagged so', () => {
    expect(rollbackDecision({ critical: false, p1: true }).action).toBe('IMMEDIATE ROLLBACK');
  });

  it('critical but not P1 -> proceeds to the P2 check (error rate and performance)', () => {
    const decision = rollbackDecision({ critical: true, p1: false, errorRatePct: 7, rootCauseKnown: false });
    expect(decision.action).toBe('ROLLBACK');
    expect(decision.path).toEqual([
      'Critical issue detected? yes',
      'P1 severity? no -> proceed to P2 check',
      'Error rate high? 7% > 5% -> INVESTIGATE',
      'Root cause known? no -> ROLLBACK',
    ]);
  });

  it('critical, not P1, metrics within limits -> still monitored for 15 minutes', () => {
    const decision = rollbackDecision({
      critical: true,
      p1: false,
      errorRatePct: 0.4,
      p95OverBaselineFactor: 1.1,
    });
    expect(decision.action).toBe('MONITOR 15 MIN');
    expect(decision.path).toContain('Error rate high? 0.4% is not above 5% -> continue');
    expect(decision.path).toContain('Performance degraded? p95 1.1x baseline is within 2x -> continue');
  });

  it('not critical -> monitor for 15 minutes', () => {
    expect(rollbackDecision({ critical: false, p1: false })).toEqual({
      action: 'MONITOR 15 MIN',
      path: ['Critical issue detected? no', 'Monitor for 15 minutes -> MONITOR 15 MIN'],
    });
  });

  it('after monitoring: issue persists -> ROLLBACK', () => {
    const decision = rollbackDecision({ critical: false, p1: false, issuePersistsAfterMonitoring: true });
    expect(decision.action).toBe('ROLLBACK');
    expect(decision.path.at(-1)).toBe('Monitored 15 minutes: issue persists -> ROLLBACK');
  });

  it('after monitoring: issue resolves -> CONTINUE MONITORING', () => {
    expect(rollbackDecision({ critical: false, p1: false, issuePersistsAfterMonitoring: false }).action).toBe(
      'CONTINUE MONITORING',
    );
  });
});

describe('rollbackDecision: error rate tree', () => {
  const notCritical = { critical: false, p1: false };

  it('> 5% with the root cause still unknown -> INVESTIGATE', () => {
    const decision = rollbackDecision({ ...notCritical, errorRatePct: 5.5 });
    expect(decision.action).toBe('INVESTIGATE');
    expect(decision.path.at(-1)).toBe('Root cause known? not yet -> INVESTIGATE');
  });

  it('> 5% and root cause known -> FIX', () => {
    expect(rollbackDecision({ ...notCritical, errorRatePct: 8, rootCauseKnown: true }).action).toBe('FIX');
  });

  it('> 5% and root cause not found -> ROLLBACK', () => {
    expect(rollbackDecision({ ...notCritical, errorRatePct: 8, rootCauseKnown: false }).action).toBe(
      'ROLLBACK',
    );
  });

  it('exactly 5% is not above 5% -> continue (to the monitoring branch)', () => {
    const decision = rollbackDecision({
      ...notCritical,
      errorRatePct: 5,
      issuePersistsAfterMonitoring: false,
    });
    expect(decision.action).toBe('CONTINUE MONITORING');
  });
});

describe('rollbackDecision: performance tree', () => {
  const notCritical = { critical: false, p1: false };

  it('p95 > 2x baseline, not yet known whether temporary -> INVESTIGATE', () => {
    const decision = rollbackDecision({ ...notCritical, p95OverBaselineFactor: 2.4 });
    expect(decision.action).toBe('INVESTIGATE');
    expect(decision.path).toContain('Performance degraded? p95 2.4x baseline > 2x -> INVESTIGATE');
  });

  it('p95 > 2x baseline, temporary spike -> CONTINUE', () => {
    expect(rollbackDecision({ ...notCritical, p95OverBaselineFactor: 3, spikeTemporary: true }).action).toBe(
      'CONTINUE',
    );
  });

  it('p95 > 2x baseline, persistent -> ROLLBACK', () => {
    const decision = rollbackDecision({ ...notCritical, p95OverBaselineFactor: 3, spikeTemporary: false });
    expect(decision.action).toBe('ROLLBACK');
    expect(decision.path.at(-1)).toBe('Spike persistent? yes -> ROLLBACK');
  });

  it('exactly 2x is within -> continue (to the monitoring branch)', () => {
    expect(rollbackDecision({ ...notCritical, p95OverBaselineFactor: 2 }).action).toBe('MONITOR 15 MIN');
  });
});

describe('rollbackDecision: both metric trees answer', () => {
  it('the more cautious answer wins, and the path says so', () => {
    const decision = rollbackDecision({
      critical: false,
      p1: false,
      errorRatePct: 9,
      rootCauseKnown: true,
      p95OverBaselineFactor: 2.5,
      spikeTemporary: false,
    });
    expect(decision.action).toBe('ROLLBACK');
    expect(decision.path.at(-1)).toBe('Most cautious answer -> ROLLBACK');
  });

  it('a fix in hand is not overridden by a temporary spike', () => {
    const decision = rollbackDecision({
      critical: false,
      p1: false,
      errorRatePct: 9,
      rootCauseKnown: true,
      p95OverBaselineFactor: 2.5,
      spikeTemporary: true,
    });
    expect(decision.action).toBe('FIX');
  });
});
