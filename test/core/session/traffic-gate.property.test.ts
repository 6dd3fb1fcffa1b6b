import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGuardedStep } from '../../../src/core/gates/danger-guard.js';
import type { Risk } from '../../../src/core/runbook/schema.js';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { dangerBlockersOf } from '../../../src/core/session/gates.js';
import { stepEnvironment } from '../../../src/core/session/selectors.js';
import { initialState, reduce } from '../../../src/core/session/state.js';
import { bbwsPromotion, HOUR, oracleAllowsProdTraffic } from './traffic-oracle.js';

/**
 * Issues #3 and #11, "Must show": no sequence of events moves PROD traffic, nor runs any dangerous
 * PROD step (terraform apply), without valid approvals, GO, ticket and window. The engine asks
 * dangerBlockersOf before every traffic change and every dangerous step; here it is
 * asked after every event of random sessions of the real bbws SIT -> PROD promotion, and must
 * agree with an oracle written from the seed's rules alone. The events are journal events, not
 * only what the engine would record: an approval the gate would refuse (the conductor, the same
 * person twice, no comment) is put straight into the journal, and must still not open the gate.
 */

const { runbook, promotion } = bbwsPromotion();
/** Every step of the promotion that changes PROD: the terraform apply and the canary's traffic. */
const dangerousProdSteps = promotion.phases
  .flatMap((p) => p.steps)
  .filter((s) => isGuardedStep(s) && stepEnvironment(runbook, promotion, s.id).production)
  .map((s) => s.id);
const T0 = Date.UTC(2026, 10, 29, 20, 0);
const RISKS: Risk[] = ['low', 'medium', 'high', 'critical'];

type Action =
  | { kind: 'approve'; step: string; role: string; approver: string; comment: string }
  | { kind: 'wait'; ms: number }
  | { kind: 'ticket'; ticket: string }
  | { kind: 'window'; startOffset: number; length: number }
  | { kind: 'override'; reason: string }
  | { kind: 'risk'; risk: Risk }
  | { kind: 'gonogo'; decision: 'GO' | 'GO-EXTRA-MONITORING' | 'NO-GO' };

// Mostly the usual approvers (two of them also written another way); sometimes the conductor or nobody.
const approver = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('@jane.doe', '@john.smith', '@sarah.johnson', '@Jane.Doe', 'john.smith'),
  },
  { weight: 1, arbitrary: fc.constantFrom('@conductor', '@Conductor', '') },
);
const comment = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('Ready for PROD', 'LGTM') },
  { weight: 1, arbitrary: fc.constant('   ') },
);
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('approve' as const),
      step: fc.constantFrom('prod-approval', 'prod-approval', 'prod-approval', 'sit-approval'),
      role: fc.constantFrom(
        'tech-lead',
        'infrastructure-lead',
        'tech-lead',
        'infrastructure-lead',
        'business-owner',
        'on-call',
      ),
      approver,
      comment,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      // Mostly minutes; now and then past the 48 h an approval lasts.
      ms: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: HOUR / 2 }) },
        { weight: 1, arbitrary: fc.integer({ min: 47 * HOUR, max: 49 * HOUR }) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('ticket' as const),
      ticket: fc.constantFrom('CHG-2041', ' CHG-7 ', 'chg-2041', 'CHG 2041', 'CHG-', ''),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('window' as const),
      startOffset: fc.integer({ min: -6 * HOUR, max: 3 * HOUR }),
      length: fc.integer({ min: 1, max: 12 * HOUR }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('override' as const),
      reason: fc.constantFrom('bridge call agreed to run late', '  '),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('risk' as const), risk: fc.constantFrom(...RISKS) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('gonogo' as const),
      decision: fc.constantFrom(
        'GO' as const,
        'GO-EXTRA-MONITORING' as const,
        'GO' as const,
        'NO-GO' as const,
      ),
    }),
  },
);

// Sessions mostly start the way the CLI starts them (ticket and window given), so that the gate
// opens often enough for the property to be tested from both sides.
const start = fc.record({
  risk: fc.constantFrom<Risk>('low', 'medium', 'medium', 'high', 'critical'),
  ticket: fc.constantFrom('CHG-2041', 'CHG-2041', 'CHG-2041', 'not-a-ticket', undefined),
  window: fc.option(
    fc.record({
      startOffset: fc.integer({ min: -HOUR, max: HOUR / 4 }),
      length: fc.integer({ min: 2 * HOUR, max: 12 * HOUR }),
    }),
    { nil: undefined, freq: 4 },
  ),
});

function toEvent(a: Action, at: number): SessionEvent | undefined {
  switch (a.kind) {
    case 'approve':
      return {
        type: 'approval.recorded',
        at,
        step: a.step,
        role: a.role,
        approver: a.approver,
        comment: a.comment,
      };
    case 'ticket':
      return { type: 'ticket.recorded', at, ticket: a.ticket };
    case 'window':
      return { type: 'window.declared', at, start: at + a.startOffset, end: at + a.startOffset + a.length };
    case 'override':
      return { type: 'window.overridden', at, reason: a.reason, by: '@conductor' };
    case 'risk':
      return {
        type: 'risk.set',
        at,
        risk: a.risk,
        mitigation: a.risk === 'high' ? 'feature flag' : undefined,
      };
    case 'gonogo':
      return {
        type: 'gonogo.decided',
        at,
        step: 'gonogo-prod',
        decision: a.decision,
        rows: [],
        whatWouldChange: [],
      };
    case 'wait':
      return undefined;
  }
}

describe('traffic gate over folded sessions of the bbws runbook', () => {
  it('covers every dangerous PROD step of the runbook', () => {
    expect(dangerousProdSteps).toEqual(['terraform-apply-prod', 'prod-canary']);
  });

  it('lets PROD traffic move, and every dangerous PROD step run, exactly when approvals, GO, ticket and window all hold', () => {
    let allowed = 0;
    let blocked = 0;
    fc.assert(
      fc.property(start, fc.array(action, { minLength: 5, maxLength: 40, size: 'max' }), (first, actions) => {
        let now = T0;
        const events: SessionEvent[] = [
          {
            type: 'session.created',
            at: now,
            sessionId: 's',
            runbookFile: 'runbooks/bbws.yaml',
            runbookId: 'bbws',
            runbookTitle: runbook.runbook.title,
            runbookHash: 'h',
            promotionId: promotion.id,
            from: 'sit',
            to: 'prod',
            version: 'v2',
            conductor: '@conductor',
            risk: first.risk,
            ticket: first.ticket,
            window: first.window && {
              start: now + first.window.startOffset,
              end: now + first.window.startOffset + first.window.length,
            },
          },
        ];
        let state = reduce(initialState(runbook, promotion), events[0]);
        const check = () => {
          const expected = oracleAllowsProdTraffic(events, now);
          if (expected) allowed++;
          else blocked++;
          for (const step of dangerousProdSteps) {
            const blockers = dangerBlockersOf(runbook, promotion, state, step, now);
            expect(blockers.length === 0, `${step} blockers: ${blockers.join(' | ')}`).toBe(expected);
            // Every refusal says why, one sentence each.
            for (const b of blockers) expect(b.trim().length).toBeGreaterThan(10);
          }
        };
        check();
        for (const a of actions) {
          if (a.kind === 'wait') now += a.ms;
          else now += 1_000;
          const event = toEvent(a, now);
          if (event) {
            events.push(event);
            state = reduce(state, event);
          }
          check();
        }
      }),
      { numRuns: 200 },
    );
    // The property is not vacuous: both answers came up many times.
    expect(allowed).toBeGreaterThan(10);
    expect(blocked).toBeGreaterThan(300);
  });
});
