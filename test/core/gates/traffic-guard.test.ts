import { describe, expect, it } from 'vitest';
import type { ApprovalGateStatus } from '../../../src/core/gates/approvals.js';
import { type TrafficGuardInput, trafficBlockers } from '../../../src/core/gates/traffic-guard.js';

const satisfied: ApprovalGateStatus = { roles: [], satisfied: true, problems: [] };
const unsatisfied: ApprovalGateStatus = {
  roles: [],
  satisfied: false,
  problems: ['Infrastructure Lead has not approved yet (required by PROD approval).'],
};

const clear: TrafficGuardInput = {
  production: true,
  approvals: satisfied,
  gonogo: 'GO',
  ticket: { ok: true },
  window: { open: true, message: 'Inside the maintenance window.' },
  requiresWindow: true,
};

describe('trafficBlockers', () => {
  it('lets traffic move when every gate is clear', () => {
    expect(trafficBlockers(clear)).toEqual([]);
    expect(trafficBlockers({ ...clear, gonogo: 'GO-EXTRA-MONITORING' })).toEqual([]);
  });

  it('blocks on incomplete approvals, carrying their problems', () => {
    expect(trafficBlockers({ ...clear, approvals: unsatisfied })).toEqual([
      'Approvals are not complete. Infrastructure Lead has not approved yet (required by PROD approval).',
    ]);
  });

  it('blocks on NO-GO', () => {
    expect(trafficBlockers({ ...clear, gonogo: 'NO-GO' })).toEqual(['The go/no-go decision is NO-GO.']);
  });

  it('blocks on the ticket with its own message', () => {
    const message = 'PROD requires a change ticket before traffic moves; record one.';
    expect(trafficBlockers({ ...clear, ticket: { ok: false, message } })).toEqual([message]);
    expect(trafficBlockers({ ...clear, ticket: { ok: false } })).toEqual([
      'The change ticket is missing or not valid.',
    ]);
  });

  it('blocks outside the window only where the promotion requires one', () => {
    const closed = { open: false, message: 'The maintenance window opens in 1h.' };
    expect(trafficBlockers({ ...clear, window: closed })).toEqual(['The maintenance window opens in 1h.']);
    expect(trafficBlockers({ ...clear, window: closed, requiresWindow: false })).toEqual([]);
  });

  it('in production, a missing approval gate or go/no-go is itself a blocker', () => {
    expect(trafficBlockers({ ...clear, approvals: undefined, gonogo: undefined })).toEqual([
      'No approval gate has been passed for production; traffic cannot move.',
      'No go/no-go decision has been made; traffic cannot move.',
    ]);
  });

  it('outside production, an environment without gates (DEV) may move traffic', () => {
    expect(trafficBlockers({ ...clear, production: false, approvals: undefined, gonogo: undefined })).toEqual(
      [],
    );
    expect(trafficBlockers({ ...clear, production: false, gonogo: 'NO-GO' })).toEqual([
      'The go/no-go decision is NO-GO.',
    ]);
  });

  it('lists every blocker at once, so the conductor fixes them in one go', () => {
    const blockers = trafficBlockers({
      production: true,
      approvals: unsatisfied,
      gonogo: 'NO-GO',
      ticket: { ok: false, message: 'ticket' },
      window: { open: false, message: 'window' },
      requiresWindow: true,
    });
    expect(blockers).toHaveLength(4);
  });

  it('does not trust a status that claims satisfied while listing problems', () => {
    expect(trafficBlockers({ ...clear, approvals: { ...unsatisfied, satisfied: true } })).toHaveLength(1);
  });
});
