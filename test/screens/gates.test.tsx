import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import { Approval } from '../../src/screens/Approval.js';
import { GoNoGo } from '../../src/screens/GoNoGo.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import { created, evidence, fold, HOUR, MIN, passPhasesBefore, promotion, runbook, T0 } from './fixtures.js';

const base = { runbook, promotion, width: 100, height: 20 };
const OPENED = T0 + HOUR;

function approvalEvents(): SessionEvent[] {
  return [
    created({ risk: 'high' }),
    ...passPhasesBefore('approval'),
    { type: 'phase.started', at: OPENED, phase: 'approval' },
    { type: 'step.started', at: OPENED, step: 'prod-approval', attempt: 1 },
    {
      type: 'approval.recorded',
      at: OPENED + HOUR,
      step: 'prod-approval',
      role: 'tech-lead',
      approver: '@jane.doe',
      comment: 'Performance baseline met, ready for PROD',
      reference: 'CHG-1234',
    },
  ];
}

describe('Approval', () => {
  it('lists the roles required and why, who approved when, and the time left before it expires', async () => {
    const frame = stripAnsi(
      await frameOf(<Approval {...base} state={fold(approvalEvents())} now={OPENED + 2 * HOUR} />),
    );
    expect(frame).toContain('Tech Lead');
    expect(frame).toContain('@jane.doe');
    expect(frame).toContain('47:00:00 left');
    expect(frame).toContain('@jane.doe 12-01 22:00 → 12-03 22:00 UTC');
    expect(frame).toContain('Business Owner: risk high -> Business Owner');
    expect(frame).toMatch(/Infrastructure Lead\s+· waiting/);
    expect(frame).toContain('a or enter: record an approval');
    expect(frame).not.toContain('ESCALATE');
  });

  it('shows the escalation once the gate has waited past its limit', async () => {
    const frame = stripAnsi(
      await frameOf(<Approval {...base} state={fold(approvalEvents())} now={OPENED + 25 * HOUR} />),
    );
    expect(frame).toContain('ESCALATE: Waiting 25h on Infrastructure Lead, Business Owner');
    expect(frame).toContain('call the approver');
  });

  it('marks an approval that has expired and says it must be given again', async () => {
    const frame = stripAnsi(
      await frameOf(<Approval {...base} state={fold(approvalEvents())} now={OPENED + 50 * HOUR} />),
    );
    expect(frame).toMatch(/Tech Lead\s+✗ expired\s+EXPIRED/);
    expect(frame).toContain('expired at 2026-12-03 22:00 UTC');
    expect(frame).toMatch(/it must be\s+given again/);
  });

  it('names why an approval was refused', async () => {
    const events = approvalEvents();
    events.push({
      type: 'approval.refused',
      at: OPENED + 3 * HOUR,
      step: 'prod-approval',
      role: 'infrastructure-lead',
      approver: '@alex',
      reason:
        '@alex is conducting this session and cannot approve as Infrastructure Lead (separation of duties); ask another person.',
    });
    const frame = stripAnsi(
      await frameOf(<Approval {...base} state={fold(events)} now={OPENED + 3 * HOUR} />),
    );
    expect(frame).toContain('Not recorded: @alex is conducting this session');
  });
});

function gonogoEvents(coverage: number): SessionEvent[] {
  const events = passPhasesBefore('gonogo');
  const at = T0 + 10 * MIN;
  // The recorded evidence the decision reads: coverage, tests, performance.
  events.push(
    {
      type: 'step.completed',
      at,
      step: 'backend-tests',
      outcome: 'passed',
      detail: 'ok',
      evidence: [
        evidence('coverage', coverage, `coverage ${coverage}%`),
        evidence('tests-passed', 212, '212 passed'),
      ],
    },
    {
      type: 'approval.recorded',
      at,
      step: 'prod-approval',
      role: 'tech-lead',
      approver: '@jane.doe',
      comment: 'ok',
    },
    {
      type: 'approval.recorded',
      at,
      step: 'prod-approval',
      role: 'infrastructure-lead',
      approver: '@john.smith',
      comment: 'ok',
    },
    {
      type: 'step.completed',
      at,
      step: 'sit-performance-baseline',
      outcome: 'passed',
      detail: 'ok',
      evidence: [evidence('p95-increase-pct', 4, 'p95 +4%'), evidence('error-rate-pct', 0.2, 'errors 0.2%')],
    },
  );
  return [created(), ...events];
}

describe('GoNoGo', () => {
  it('shows NO-GO with the failing input, its value and limit, and what would change it', async () => {
    const frame = stripAnsi(
      await frameOf(<GoNoGo {...base} state={fold(gonogoEvents(72))} now={T0 + HOUR} />),
    );
    expect(frame).toContain('Decision:  NO-GO');
    expect(frame).toMatch(/coverage\s+72%\s+>= 80%\s+✗ FAIL/);
    expect(frame).toContain('What would change it');
    expect(frame).toContain('preview');
  });

  it('shows GO when every input is within its limit', async () => {
    const frame = stripAnsi(
      await frameOf(<GoNoGo {...base} state={fold(gonogoEvents(85))} now={T0 + HOUR} />),
    );
    expect(frame).toContain('Decision:  GO ');
    expect(frame).toMatch(/coverage\s+85%\s+>= 80%\s+✓ ok/);
    expect(frame).not.toContain('✗ FAIL');
  });

  it('shows the recorded decision once the engine decided, with the rerun hint on NO-GO', async () => {
    const events = gonogoEvents(72);
    events.push(
      { type: 'step.started', at: T0 + HOUR, step: 'gonogo-prod', attempt: 1 },
      {
        type: 'gonogo.decided',
        at: T0 + HOUR,
        step: 'gonogo-prod',
        decision: 'NO-GO',
        rows: [
          {
            input: 'coverage',
            value: '72%',
            limit: '>= 80%',
            verdict: 'fail',
            reason: 'Coverage 72% is below the minimum 80%.',
          },
        ],
        whatWouldChange: ['Raise coverage to at least 80%.'],
      },
      { type: 'step.completed', at: T0 + HOUR, step: 'gonogo-prod', outcome: 'failed', detail: 'NO-GO' },
    );
    const frame = stripAnsi(await frameOf(<GoNoGo {...base} state={fold(events)} now={T0 + 2 * HOUR} />));
    expect(frame).toContain('recorded 21:00 UTC');
    expect(frame).toContain('Raise coverage to at least 80%.');
    // r names what it runs again: the step whose evidence gave the failing coverage.
    expect(frame).toMatch(/r: run .+ again and decide again/);
    // Its own line: a long list of steps to rerun never cuts it off.
    expect(frame).toMatch(/^A: abandon the session/m);
  });
});
