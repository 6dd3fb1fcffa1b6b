import { describe, expect, it } from 'vitest';
import {
  type ApprovalRecord,
  approvalGateStatus,
  checkNewApproval,
  normalizeHandle,
  requiredRoles,
} from '../../../src/core/gates/approvals.js';
import { approvalStepSchema } from '../../../src/core/runbook/schema.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 29, 12, 0);

const titles = {
  'tech-lead': 'Tech Lead',
  'infrastructure-lead': 'Infrastructure Lead',
  'business-owner': 'Business Owner',
};

// The PROD gate of seed 3.2 / 6.3: two fixed roles, Business Owner for high/critical risk.
const prodGate = approvalStepSchema.parse({
  id: 'prod-approval',
  title: 'PROD approval',
  kind: 'approval',
  roles: ['tech-lead', 'infrastructure-lead'],
  conditionalRoles: [{ role: 'business-owner', whenRisk: ['high', 'critical'] }],
  expiry: '48h',
  separationOfDuties: true,
  escalateAfter: '24h',
  escalation: 'Call the approvers and tell the Team Manager.',
});

// The SIT gate of seed 3.2 / 6.2: Tech Lead only, 24 h, defaults otherwise.
const sitGate = approvalStepSchema.parse({
  id: 'sit-approval',
  title: 'SIT approval',
  kind: 'approval',
  roles: ['tech-lead'],
  expiry: '24h',
});

function approval(role: string, approver: string, at: number, comment = 'Looks good'): ApprovalRecord {
  return { role, approver, at, comment };
}

const base = {
  step: prodGate,
  risk: 'low' as const,
  conductor: '@carol.conductor',
  openedAt: T0,
  roleTitles: titles,
};

describe('requiredRoles', () => {
  it('asks for the fixed roles with the gate as the reason', () => {
    expect(requiredRoles(prodGate, 'low')).toEqual([
      { role: 'tech-lead', why: 'required by PROD approval' },
      { role: 'infrastructure-lead', why: 'required by PROD approval' },
    ]);
  });

  it('adds the Business Owner when the risk is high or critical, saying why', () => {
    for (const risk of ['high', 'critical'] as const) {
      const roles = requiredRoles(prodGate, risk, titles);
      expect(roles.map((r) => r.role)).toEqual(['tech-lead', 'infrastructure-lead', 'business-owner']);
      expect(roles[2].why).toBe(`risk ${risk} -> Business Owner`);
    }
    expect(requiredRoles(prodGate, 'medium').map((r) => r.role)).not.toContain('business-owner');
  });

  it('does not ask twice for a conditional role that is already fixed', () => {
    const step = approvalStepSchema.parse({
      ...{ id: 'g', title: 'G', kind: 'approval', expiry: '1h' },
      roles: ['tech-lead'],
      conditionalRoles: [{ role: 'tech-lead', whenRisk: ['high'] }],
    });
    expect(requiredRoles(step, 'high')).toHaveLength(1);
  });
});

describe('approvalGateStatus', () => {
  it('is satisfied when every role is approved by a different person within the expiry', () => {
    const status = approvalGateStatus({
      ...base,
      approvals: [
        approval('tech-lead', '@jane.doe', T0),
        approval('infrastructure-lead', '@john.smith', T0 + HOUR),
      ],
      now: T0 + 2 * HOUR,
    });
    expect(status.satisfied).toBe(true);
    expect(status.problems).toEqual([]);
    expect(status.roles.map((r) => r.state)).toEqual(['approved', 'approved']);
    expect(status.roles[0].expiresAt).toBe(T0 + 48 * HOUR);
    expect(status.escalate).toBeUndefined();
  });

  it('names the missing role and why it is asked for', () => {
    const status = approvalGateStatus({
      ...base,
      risk: 'high',
      approvals: [approval('tech-lead', '@jane.doe', T0), approval('infrastructure-lead', '@john.smith', T0)],
      now: T0 + HOUR,
    });
    expect(status.satisfied).toBe(false);
    expect(status.roles[2]).toMatchObject({ role: 'business-owner', state: 'missing' });
    expect(status.problems).toEqual(['Business Owner has not approved yet (risk high -> Business Owner).']);
  });

  it('expires an approval at exactly its expiry (48 h at PROD, 24 h at SIT) and asks for it again', () => {
    const approvals = [
      approval('tech-lead', '@jane.doe', T0),
      approval('infrastructure-lead', '@john.smith', T0),
    ];
    const justBefore = approvalGateStatus({ ...base, approvals, now: T0 + 48 * HOUR - 1 });
    expect(justBefore.satisfied).toBe(true);
    const atExpiry = approvalGateStatus({ ...base, approvals, now: T0 + 48 * HOUR });
    expect(atExpiry.satisfied).toBe(false);
    expect(atExpiry.roles.map((r) => r.state)).toEqual(['expired', 'expired']);
    expect(atExpiry.problems[0]).toBe(
      'Tech Lead approval by @jane.doe expired at 2026-12-01 12:00 UTC (approvals last 48h); it must be given again.',
    );

    const sit = approvalGateStatus({
      step: sitGate,
      risk: 'low',
      conductor: '@carol',
      openedAt: T0,
      approvals: [approval('tech-lead', '@jane.doe', T0)],
      now: T0 + 24 * HOUR,
    });
    expect(sit.roles[0].state).toBe('expired');
  });

  it('lets the newest approval of a role win, so a renewal revives an expired role', () => {
    const status = approvalGateStatus({
      ...base,
      approvals: [
        approval('tech-lead', '@jane.doe', T0 + 50 * HOUR, 'Renewed'),
        approval('tech-lead', '@jane.doe', T0),
        approval('infrastructure-lead', '@john.smith', T0 + 50 * HOUR),
      ],
      now: T0 + 51 * HOUR,
    });
    expect(status.satisfied).toBe(true);
    expect(status.roles[0].approval?.comment).toBe('Renewed');
  });

  it('refuses the conductor as an approver where separation of duties applies, any case or @', () => {
    const status = approvalGateStatus({
      ...base,
      conductor: 'Carol.Conductor',
      approvals: [
        approval('tech-lead', '@carol.conductor', T0),
        approval('infrastructure-lead', '@john.smith', T0),
      ],
      now: T0 + HOUR,
    });
    expect(status.satisfied).toBe(false);
    expect(status.roles[0].state).toBe('invalid');
    expect(status.problems[0]).toContain('@carol.conductor is conducting this session');
    expect(status.problems[0]).toContain('separation of duties');

    // The SIT gate does not ask for separation of duties: the conductor may approve there.
    const sit = approvalGateStatus({
      step: sitGate,
      risk: 'low',
      conductor: '@carol.conductor',
      openedAt: T0,
      approvals: [approval('tech-lead', '@carol.conductor', T0)],
      now: T0 + HOUR,
    });
    expect(sit.satisfied).toBe(true);
  });

  it('does not count the same person for two roles: the later approval is invalid', () => {
    const status = approvalGateStatus({
      ...base,
      approvals: [
        approval('infrastructure-lead', '@Jane.Doe', T0 + HOUR),
        approval('tech-lead', '@jane.doe', T0),
      ],
      now: T0 + 2 * HOUR,
    });
    expect(status.satisfied).toBe(false);
    expect(status.roles.find((r) => r.role === 'tech-lead')?.state).toBe('approved');
    expect(status.roles.find((r) => r.role === 'infrastructure-lead')?.state).toBe('invalid');
    expect(status.problems).toEqual([
      '@Jane.Doe already approved as Tech Lead; Infrastructure Lead must be approved by a different person.',
    ]);
  });

  it('allows one person for two roles when the gate does not ask for distinct approvers', () => {
    const step = approvalStepSchema.parse({
      ...prodGate,
      distinctApprovers: false,
      expiry: '48h',
      escalateAfter: '24h',
    });
    const status = approvalGateStatus({
      ...base,
      step,
      approvals: [approval('tech-lead', '@jane.doe', T0), approval('infrastructure-lead', '@jane.doe', T0)],
      now: T0 + HOUR,
    });
    expect(status.satisfied).toBe(true);
  });

  it('does not count an approval with no comment', () => {
    const status = approvalGateStatus({
      ...base,
      approvals: [
        approval('tech-lead', '@jane.doe', T0, '  '),
        approval('infrastructure-lead', '@john.smith', T0),
      ],
      now: T0 + HOUR,
    });
    expect(status.satisfied).toBe(false);
    expect(status.roles[0].state).toBe('invalid');
  });

  it("shows the runbook's escalation once the gate has waited past its limit, not before", () => {
    const input = { ...base, approvals: [approval('tech-lead', '@jane.doe', T0)] };
    expect(approvalGateStatus({ ...input, now: T0 + 24 * HOUR - 1 }).escalate).toBeUndefined();
    const late = approvalGateStatus({ ...input, now: T0 + 25 * HOUR });
    expect(late.escalate).toEqual({
      since: T0 + 24 * HOUR,
      text: 'Waiting 25h on Infrastructure Lead. Call the approvers and tell the Team Manager.',
    });
  });

  it('never escalates a satisfied gate', () => {
    const status = approvalGateStatus({
      ...base,
      approvals: [approval('tech-lead', '@jane.doe', T0), approval('infrastructure-lead', '@john.smith', T0)],
      now: T0 + 30 * HOUR,
    });
    expect(status.satisfied).toBe(true);
    expect(status.escalate).toBeUndefined();
  });
});

describe('checkNewApproval', () => {
  const candidate = (role: string, approver: string, comment = 'Infrastructure ready, capacity verified') =>
    approval(role, approver, T0 + HOUR, comment);
  const check = (c: ApprovalRecord, approvals: ApprovalRecord[] = [], risk: 'low' | 'high' = 'low') =>
    checkNewApproval({
      step: prodGate,
      risk,
      approvals,
      conductor: '@carol.conductor',
      candidate: c,
      roleTitles: titles,
    });

  it('accepts a proper approval', () => {
    expect(check(candidate('tech-lead', '@jane.doe'))).toBeUndefined();
  });

  it('refuses a role the gate does not ask for at this risk, naming what it needs', () => {
    expect(check(candidate('business-owner', '@sarah.johnson'))).toBe(
      'Business Owner is not asked for at this gate (risk low); it needs: Tech Lead, Infrastructure Lead.',
    );
    expect(check(candidate('business-owner', '@sarah.johnson'), [], 'high')).toBeUndefined();
  });

  it('refuses a person who already approved another role', () => {
    const existing = [approval('tech-lead', '@jane.doe', T0)];
    expect(check(candidate('infrastructure-lead', '@JANE.DOE'), existing)).toBe(
      '@JANE.DOE already approved as Tech Lead; Infrastructure Lead must be approved by a different person.',
    );
  });

  it('lets a person renew their own role, and take another role once their old approval expired', () => {
    const existing = [approval('tech-lead', '@jane.doe', T0)];
    expect(check(candidate('tech-lead', '@jane.doe'), existing)).toBeUndefined();
    const later = approval('infrastructure-lead', '@jane.doe', T0 + 48 * HOUR, 'Capacity verified');
    expect(
      checkNewApproval({
        step: prodGate,
        risk: 'low',
        approvals: existing,
        conductor: '@carol',
        candidate: later,
      }),
    ).toBeUndefined();
  });

  it('refuses the conductor under separation of duties', () => {
    expect(check(candidate('tech-lead', '@Carol.Conductor'))).toContain('separation of duties');
  });

  it('refuses an empty approver, a name that is not a handle, and an empty comment', () => {
    expect(check(candidate('tech-lead', '  '))).toBe(
      "Give the approver's handle (e.g. @jane.doe) for Tech Lead.",
    );
    expect(check(candidate('tech-lead', 'Jane Doe'))).toBe(
      '"Jane Doe" is not a handle; write it like @jane.doe.',
    );
    expect(check(candidate('tech-lead', '@jane.doe', ' '))).toContain("Add the approver's comment");
  });
});

describe('normalizeHandle', () => {
  it('compares handles without @ and case', () => {
    expect(normalizeHandle(' @Jane.Doe ')).toBe('jane.doe');
  });
});
