import { describe, expect, it } from 'vitest';
import type { ApprovalGateStatus } from '../../../src/core/gates/approvals.js';
import {
  type DangerGuardInput,
  dangerBlockers,
  isGuardedStep,
} from '../../../src/core/gates/danger-guard.js';
import { bbwsPromotion } from '../session/traffic-oracle.js';

const satisfied: ApprovalGateStatus = { roles: [], satisfied: true, problems: [] };
const unsatisfied: ApprovalGateStatus = {
  roles: [],
  satisfied: false,
  problems: ['Infrastructure Lead has not approved yet (required by PROD approval).'],
};

const clear: DangerGuardInput = {
  production: true,
  approvals: satisfied,
  gonogo: 'GO',
  ticket: { ok: true },
  window: { open: true, message: 'Inside the maintenance window.' },
  requiresWindow: true,
};

describe('dangerBlockers', () => {
  it('lets traffic move when every gate is clear', () => {
    expect(dangerBlockers(clear)).toEqual([]);
    expect(dangerBlockers({ ...clear, gonogo: 'GO-EXTRA-MONITORING' })).toEqual([]);
  });

  it('blocks on incomplete approvals, carrying their problems', () => {
    expect(dangerBlockers({ ...clear, approvals: unsatisfied })).toEqual([
      'Approvals are not complete. Infrastructure Lead has not approved yet (required by PROD approval).',
    ]);
  });

  it('blocks on NO-GO', () => {
    expect(dangerBlockers({ ...clear, gonogo: 'NO-GO' })).toEqual(['The go/no-go decision is NO-GO.']);
  });

  it('blocks on the ticket with its own message', () => {
    const message = 'PROD requires a change ticket; record one.';
    expect(dangerBlockers({ ...clear, ticket: { ok: false, message } })).toEqual([message]);
    expect(dangerBlockers({ ...clear, ticket: { ok: false } })).toEqual([
      'The change ticket is missing or not valid.',
    ]);
  });

  it('blocks outside the window only where the promotion requires one', () => {
    const closed = { open: false, message: 'The maintenance window opens in 1h.' };
    expect(dangerBlockers({ ...clear, window: closed })).toEqual(['The maintenance window opens in 1h.']);
    expect(dangerBlockers({ ...clear, window: closed, requiresWindow: false })).toEqual([]);
  });

  it('in production, a missing approval gate or go/no-go is itself a blocker', () => {
    expect(dangerBlockers({ ...clear, approvals: undefined, gonogo: undefined })).toEqual([
      'No approval gate has been passed for production; traffic cannot move.',
      'No go/no-go decision has been made; traffic cannot move.',
    ]);
  });

  it('outside production, an environment without gates (DEV) may move traffic', () => {
    expect(dangerBlockers({ ...clear, production: false, approvals: undefined, gonogo: undefined })).toEqual(
      [],
    );
    expect(dangerBlockers({ ...clear, production: false, gonogo: 'NO-GO' })).toEqual([
      'The go/no-go decision is NO-GO.',
    ]);
  });

  it('lists every blocker at once, so the conductor fixes them in one go', () => {
    const blockers = dangerBlockers({
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
    expect(dangerBlockers({ ...clear, approvals: { ...unsatisfied, satisfied: true } })).toHaveLength(1);
  });

  it('says what it refuses: traffic for the canary, the step for a dangerous command', () => {
    const missing = { ...clear, approvals: undefined, gonogo: undefined };
    expect(dangerBlockers({ ...missing, refused: 'this step cannot run' })).toEqual([
      'No approval gate has been passed for production; this step cannot run.',
      'No go/no-go decision has been made; this step cannot run.',
    ]);
  });
});

describe('isGuardedStep', () => {
  it('stands before every dangerous command and the canary, and nothing else', () => {
    const { runbook } = bbwsPromotion();
    const guarded = runbook.promotions.flatMap((p) =>
      p.phases.flatMap((ph) => ph.steps.filter((s) => isGuardedStep(s)).map((s) => s.id)),
    );
    expect(guarded).toEqual([
      'terraform-apply-sit',
      'deploy-auth-lambda',
      'deploy-product-lambda',
      'deploy-order-lambda',
      'terraform-apply-prod',
      'prod-canary',
    ]);
    expect(isGuardedStep(undefined)).toBe(false);
  });
});
