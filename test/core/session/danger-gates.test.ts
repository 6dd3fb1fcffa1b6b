import { describe, expect, it } from 'vitest';
import type { Promotion } from '../../../src/core/runbook/schema.js';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { dangerBlockersOf } from '../../../src/core/session/gates.js';
import { findPromotion } from '../../../src/core/session/selectors.js';
import { foldEvents } from '../../../src/core/session/state.js';
import { bbwsPromotion, HOUR } from './traffic-oracle.js';

/**
 * Issue #11, point 2: every step that changes an environment passes the one guard traffic passes.
 * A PROD terraform apply before the window opened is refused, with the same sentence the canary
 * would show, and runs after an override with a reason.
 */

const { runbook, promotion } = bbwsPromotion();
const T0 = Date.UTC(2026, 10, 29, 20, 0);

function created(p: Promotion, window?: { start: number; end: number }, ticket = 'CHG-2041'): SessionEvent {
  return {
    type: 'session.created',
    at: T0,
    sessionId: 's',
    runbookFile: 'runbooks/bbws.yaml',
    runbookId: 'bbws',
    runbookTitle: runbook.runbook.title,
    runbookHash: 'h',
    promotionId: p.id,
    from: p.from,
    to: p.to,
    version: 'v2',
    conductor: '@carol',
    risk: 'medium',
    ticket,
    window,
  };
}

const gatesPassed: SessionEvent[] = [
  {
    type: 'approval.recorded',
    at: T0 + 1_000,
    step: 'prod-approval',
    role: 'tech-lead',
    approver: '@jane.doe',
    comment: 'Ready for PROD',
  },
  {
    type: 'approval.recorded',
    at: T0 + 2_000,
    step: 'prod-approval',
    role: 'infrastructure-lead',
    approver: '@john.smith',
    comment: 'Plan reviewed',
  },
  {
    type: 'gonogo.decided',
    at: T0 + 3_000,
    step: 'gonogo-prod',
    decision: 'GO',
    rows: [],
    whatWouldChange: [],
  },
];

const blockersOf = (p: Promotion, events: SessionEvent[], step: string, now = T0 + 10_000) =>
  dangerBlockersOf(runbook, p, foldEvents(runbook, p, events), step, now);

describe('dangerBlockersOf: the guard of every dangerous step', () => {
  it('refuses the PROD terraform apply before the window opens, like traffic, and lets it run inside', () => {
    const later = { start: T0 + 2 * HOUR, end: T0 + 4 * HOUR };
    const events = [created(promotion, later), ...gatesPassed];
    const apply = blockersOf(promotion, events, 'terraform-apply-prod');
    expect(apply).toHaveLength(1);
    expect(apply[0]).toMatch(/maintenance window/);
    expect(blockersOf(promotion, events, 'prod-canary')).toEqual(apply);
    expect(blockersOf(promotion, events, 'terraform-apply-prod', T0 + 2 * HOUR)).toEqual([]);
  });

  it('lets it run outside the window after an override with a reason, never with a blank one', () => {
    const later = { start: T0 + 2 * HOUR, end: T0 + 4 * HOUR };
    const blank: SessionEvent = { type: 'window.overridden', at: T0 + 4_000, reason: '  ', by: '@carol' };
    const reason: SessionEvent = {
      type: 'window.overridden',
      at: T0 + 5_000,
      reason: 'CAB agreed to start early',
      by: '@carol',
    };
    expect(
      blockersOf(promotion, [created(promotion, later), ...gatesPassed, blank], 'terraform-apply-prod'),
    ).toHaveLength(1);
    expect(
      blockersOf(promotion, [created(promotion, later), ...gatesPassed, reason], 'terraform-apply-prod'),
    ).toEqual([]);
  });

  it('refuses the PROD apply without approvals, GO and ticket, saying the step cannot run', () => {
    const open = { start: T0 - HOUR, end: T0 + HOUR };
    expect(blockersOf(promotion, [created(promotion, open, '')], 'terraform-apply-prod')).toEqual([
      expect.stringMatching(/^Approvals are not complete\./),
      'No go/no-go decision has been made; this step cannot run.',
      expect.stringMatching(/PROD requires a change ticket/),
    ]);
  });

  it('counts the gates the runbook places before the step: the SIT deploy comes before the SIT approval', () => {
    const devToSit = findPromotion(runbook, 'dev-to-sit');
    if (!devToSit) throw new Error('bbws has no dev-to-sit');
    expect(blockersOf(devToSit, [created(devToSit, undefined, '')], 'terraform-apply-sit')).toEqual([]);
    // A mistyped ticket is refused even where one is only recommended.
    expect(blockersOf(devToSit, [created(devToSit, undefined, 'chg 1')], 'terraform-apply-sit')).toHaveLength(
      1,
    );
  });

  it('in production, a dangerous step placed before its approval gate is refused', () => {
    const early = structuredClone(promotion);
    const deploy = early.phases.findIndex((p) => p.id === 'deploy');
    const [phase] = early.phases.splice(deploy, 1);
    early.phases.unshift({ ...phase, environment: 'prod' });
    const open = { start: T0 - HOUR, end: T0 + HOUR };
    expect(blockersOf(early, [created(early, open), ...gatesPassed], 'terraform-apply-prod')).toEqual([
      'No approval gate has been passed for production; this step cannot run.',
      'No go/no-go decision has been made; this step cannot run.',
    ]);
  });

  it('binds the window to the promotion target: a dangerous SIT step of the PROD promotion is not held by it', () => {
    const withSitChange = structuredClone(promotion);
    withSitChange.phases[0].steps.splice(0, 0, {
      id: 'sit-reset',
      title: 'Reset SIT',
      kind: 'command',
      run: ['terraform', 'apply'],
      shell: false,
      env: {},
      timeout: 60_000,
      dangerous: true,
      evidence: [],
    } as Promotion['phases'][number]['steps'][number]);
    const later = { start: T0 + 2 * HOUR, end: T0 + 4 * HOUR };
    expect(blockersOf(withSitChange, [created(withSitChange, later)], 'sit-reset')).toEqual([]);
  });
});
