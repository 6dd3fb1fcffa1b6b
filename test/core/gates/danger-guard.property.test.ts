import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApprovalRecord, approvalGateStatus } from '../../../src/core/gates/approvals.js';
import { dangerBlockers } from '../../../src/core/gates/danger-guard.js';
import type { GoNoGoDecision } from '../../../src/core/gates/gonogo.js';
import { checkTicket } from '../../../src/core/gates/ticket.js';
import { type MaintenanceWindow, windowStatus } from '../../../src/core/gates/window.js';
import { approvalStepSchema, environmentSchema, type Risk } from '../../../src/core/runbook/schema.js';

/**
 * Over random combinations of approvals, go/no-go decisions, tickets and windows, the real gate
 * functions feed the traffic guard, and an oracle built only from how each input was generated says
 * whether traffic may move. The guard must agree with the oracle every time.
 */

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 29, 20, 30);
const CONDUCTOR = '@carol.conductor';

const prodGate = approvalStepSchema.parse({
  id: 'prod-approval',
  title: 'PROD approval',
  kind: 'approval',
  roles: ['tech-lead', 'infrastructure-lead'],
  conditionalRoles: [{ role: 'business-owner', whenRisk: ['high', 'critical'] }],
  expiry: '48h',
  distinctApprovers: true,
  separationOfDuties: true,
});

const prodEnv = environmentSchema.parse({
  id: 'prod',
  title: 'PROD',
  accountId: '093646564004',
  region: 'af-south-1',
  production: true,
  changeTicket: { policy: 'required', pattern: '^[A-Z][A-Z0-9]+-\\d+$' },
});

/** How one role's approval was generated. 'same-person' takes the handle of the next role's usual approver. */
type ApprovalKind = 'valid' | 'renewed' | 'expired' | 'missing' | 'same-person' | 'conductor' | 'no-comment';
const approvalKinds: ApprovalKind[] = [
  'valid',
  'renewed',
  'expired',
  'missing',
  'same-person',
  'conductor',
  'no-comment',
];

const ROLES = ['tech-lead', 'infrastructure-lead', 'business-owner'];
const PEOPLE = ['@jane.doe', '@john.smith', '@sarah.johnson'];

function approvalsFor(kinds: ApprovalKind[], conductorSpelling: string, ages: number[]): ApprovalRecord[] {
  const records: ApprovalRecord[] = [];
  kinds.forEach((kind, i) => {
    const role = ROLES[i];
    const freshAt = NOW - ages[i];
    const peer = PEOPLE[(i + 1) % kinds.length];
    switch (kind) {
      case 'valid':
        records.push({ role, approver: PEOPLE[i], at: freshAt, comment: 'ok' });
        break;
      case 'renewed':
        records.push({ role, approver: PEOPLE[i], at: NOW - 60 * HOUR, comment: 'first' });
        records.push({ role, approver: PEOPLE[i], at: freshAt, comment: 'renewed' });
        break;
      case 'expired':
        records.push({ role, approver: PEOPLE[i], at: NOW - 48 * HOUR - ages[i], comment: 'ok' });
        break;
      case 'same-person':
        records.push({ role, approver: peer.toUpperCase(), at: freshAt, comment: 'ok' });
        break;
      case 'conductor':
        records.push({ role, approver: conductorSpelling, at: freshAt, comment: 'ok' });
        break;
      case 'no-comment':
        records.push({ role, approver: PEOPLE[i], at: freshAt, comment: ' ' });
        break;
      case 'missing':
        break;
    }
  });
  return records;
}

const ticketCases = { none: undefined, good: 'BBWS-1234', bad: 'bbws 1234', blank: '  ' } as const;
type TicketCase = keyof typeof ticketCases;

type WindowCase = 'none' | 'before' | 'inside' | 'after';
function windowFor(kind: WindowCase): MaintenanceWindow | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'before':
      return { start: NOW + HOUR, end: NOW + 3 * HOUR };
    case 'inside':
      return { start: NOW - HOUR, end: NOW + HOUR };
    case 'after':
      return { start: NOW - 3 * HOUR, end: NOW - HOUR };
  }
}

const scenario = fc.record({
  production: fc.boolean(),
  risk: fc.constantFrom<Risk>('low', 'medium', 'high', 'critical'),
  kinds: fc.array(fc.constantFrom(...approvalKinds), { minLength: 3, maxLength: 3 }),
  ages: fc.array(fc.integer({ min: 0, max: 47 * HOUR }), { minLength: 3, maxLength: 3 }),
  conductorSpelling: fc.constantFrom('@carol.conductor', 'Carol.Conductor', '@CAROL.CONDUCTOR'),
  hasApprovalGate: fc.boolean(),
  gonogo: fc.constantFrom<GoNoGoDecision | undefined>('GO', 'GO-EXTRA-MONITORING', 'NO-GO', undefined),
  ticket: fc.constantFrom<TicketCase>('none', 'good', 'bad', 'blank'),
  window: fc.constantFrom<WindowCase>('none', 'before', 'inside', 'after'),
  override: fc.constantFrom<string | undefined>(undefined, '', '   ', 'P1 hotfix approved by CAB'),
  requiresWindow: fc.boolean(),
});

describe('dangerBlockers (property)', () => {
  it('is empty exactly when approvals are valid, the decision is GO, the ticket is ok and the window open', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const roleCount = s.risk === 'high' || s.risk === 'critical' ? 3 : 2;
        const kinds = s.kinds.slice(0, roleCount);
        const approvals = s.hasApprovalGate
          ? approvalGateStatus({
              step: prodGate,
              risk: s.risk,
              approvals: approvalsFor(kinds, s.conductorSpelling, s.ages),
              conductor: CONDUCTOR,
              openedAt: NOW - 2 * HOUR,
              now: NOW,
            })
          : undefined;
        const ticket = checkTicket(prodEnv, ticketCases[s.ticket]);
        const window = windowStatus(
          windowFor(s.window),
          NOW,
          s.override === undefined ? undefined : { reason: s.override },
        );

        const blockers = dangerBlockers({
          production: s.production,
          approvals,
          gonogo: s.gonogo,
          ticket,
          window,
          requiresWindow: s.requiresWindow,
        });

        // The oracle, from the generated cases alone.
        // A 'same-person' approval is fine only if nobody else on record used that handle (e.g. two
        // roles swapped between two people); the standing approvers must all differ.
        const standing = kinds.map((kind, i) =>
          kind === 'same-person'
            ? PEOPLE[(i + 1) % kinds.length]
            : kind === 'valid' || kind === 'renewed'
              ? PEOPLE[i]
              : undefined,
        );
        const approvalsOk = s.hasApprovalGate
          ? standing.every((person) => person !== undefined) && new Set(standing).size === standing.length
          : !s.production;
        const gonogoOk = s.gonogo === undefined ? !s.production : s.gonogo !== 'NO-GO';
        const ticketOk = s.ticket === 'good';
        const overridden = s.override !== undefined && s.override.trim() !== '';
        const windowOk = !s.requiresWindow || s.window === 'inside' || overridden;
        const mayMove = approvalsOk && gonogoOk && ticketOk && windowOk;

        expect(blockers.length === 0).toBe(mayMove);
        // Every blocker is a readable sentence.
        for (const blocker of blockers) expect(blocker).toMatch(/^\S.*[.)]$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('in production never lets traffic move on a NO-GO or without a decision', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const blockers = dangerBlockers({
          production: true,
          approvals: { roles: [], satisfied: true, problems: [] },
          gonogo: s.gonogo,
          ticket: { ok: true },
          window: { open: true, message: 'open' },
          requiresWindow: true,
        });
        expect(blockers.length > 0).toBe(s.gonogo === 'NO-GO' || s.gonogo === undefined);
      }),
      { numRuns: 200 },
    );
  });
});
