import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../src/core/session/events.js';
import { stripAnsi } from './components/render-helpers.js';
import { HOUR, passPhasesBefore, promotion, sample, split } from './screens/fixtures.js';
import { type AppSessionOptions, NOW, setup, shiftedEvents } from './support/app-session.js';

const MIN = 60_000;
const DECISION =
  '11 of 11 samples breached the no-go limits; the stage does not advance. Roll back, or hold to investigate (with a reason).';

/** The first stage after 11 samples over the no-go limits, waiting for the conductor's decision. */
function decisionNeeded(): SessionEvent[] {
  const events = shiftedEvents();
  for (let i = 11; i >= 1; i--)
    events.push(sample(NOW - i * MIN, 0, { verdict: 'NO-GO', errPct: 1.6, p95: 260 }));
  events.push({
    type: 'canary.stage.decision-needed',
    at: NOW - 30_000,
    step: 'prod-canary',
    stage: 0,
    action: 'halt',
    reason: DECISION,
  });
  return events;
}

/** The App on a terminal `columns` x `rows`, once the screen showing `text` is drawn at that size. */
async function drawnAt(
  columns: number,
  rows: number,
  events: SessionEvent[],
  text: string,
  options: AppSessionOptions = {},
) {
  const t = setup(events, options);
  await t.waitFor(text);
  Object.defineProperty(t.app.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(t.app.stdout, 'rows', { value: rows, configurable: true });
  t.app.stdout.emit('resize');
  // Drawn at the new size once the widest row fits it and the frame is as tall as the terminal allows.
  for (let i = 0; i < 300; i++) {
    const lines = t.frame().split('\n');
    if (Math.max(...lines.map((l) => l.length)) <= columns && lines.length === rows - 1) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return t;
}

/** The App on a terminal `columns` x `rows`, once its canary screen is drawn at that size. */
async function canaryAt(columns: number, rows: number, events: SessionEvent[]) {
  return drawnAt(columns, rows, events, '[10%]', { rehearsal: { scenario: 'error-spike', speed: 120 } });
}

/** The main panel's rows of a frame (the rail cut off: the panel starts at `offset`), as one spaced line. */
function panelText(lines: string[], offset: number): string {
  return lines
    .slice(2, -2)
    .map((line) => line.slice(offset))
    .join(' ')
    .replace(/\s+/g, ' ');
}

describe('the canary screen at the sizes a night brings', () => {
  it('80x24: the header keeps REHEARSAL and the PROD badge, the key bar keeps x, nothing runs past the edge', async () => {
    const t = await canaryAt(80, 24, decisionNeeded());
    const lines = t.frame().split('\n');
    expect(lines.length).toBe(23);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    // The runbook's long title gives way; the version, the edge and the rehearsal stay whole.
    expect(lines[0]).toContain('v42 · SIT → PROD  REHEARSAL error-spike ×120');
    expect(lines[1].startsWith(' PROD  account ')).toBe(true);
    expect(lines[21].startsWith('x ABORT & ROLL BACK')).toBe(true);
    // The decision wraps inside the panel instead of being cut.
    const panel = lines.slice(2, 21).join(' ').replace(/\s+/g, ' ');
    expect(panel).toContain(`✗ Stage 1 (10%) needs a decision: ${DECISION}`);
    expect(panel).toContain('enter: decide (roll back / investigate)');
    // x is drawn in red, whatever the size.
    expect(stripAnsi(t.app.lastFrame() ?? '')).toContain('x ABORT & ROLL BACK');
  });

  it('120x40: the stage decision is said whole beside the phase rail, and the panel still ends with the abort line', async () => {
    const t = await canaryAt(120, 40, decisionNeeded());
    const lines = t.frame().split('\n');
    expect(lines.length).toBe(39);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
    // The main panel starts after the 24-column rail and its margin.
    const panelRows = lines.slice(2, 37).map((line) => line.slice(25));
    const panel = panelRows.join(' ').replace(/\s+/g, ' ');
    expect(panel).toContain(`✗ Stage 1 (10%) needs a decision: ${DECISION}`);
    expect(panel).not.toContain('the stage does n…');
    expect(panelRows.at(-1)).toMatch(/^x ABORT & ROLL BACK sends traffic back/);
    expect(lines[37].startsWith('x ABORT & ROLL BACK')).toBe(true);
  });
});

const TARGETS = [
  { label: 'bbws-prod-api prod', errPct: 0.03, verdict: 'PASS' },
  { label: 'bbws-prod-product-lambda prod', errPct: 0.04, verdict: 'PASS' },
  { label: 'bbws-prod-authentication-lambda prod', errPct: 0.02, verdict: 'PASS' },
  { label: 'bbws-prod-order-lambda prod', errPct: 1.6, verdict: 'NO-GO' },
] as const;
const whyOf = (errPct: number, verdict: string) =>
  verdict === 'PASS'
    ? [
        `Error rate ${errPct}% within the pass limit of 0.5%.`,
        'p95 187 ms (+0.93% vs baseline 186 ms) within the pass limit of +10%.',
      ]
    : [
        `Error rate ${errPct}% over the no-go limit of 1.0% for 3 samples in a row.`,
        'p95 260 ms (+30% vs baseline 200 ms) over the no-go limit of +10%.',
      ];

/** One sample of four targets with long names, request counts in the thousands and a why each. */
function fourTargets(at: number): SessionEvent {
  return {
    type: 'canary.sample',
    at,
    step: 'prod-canary',
    stage: 0,
    windowStart: at - MIN,
    windowEnd: at,
    verdict: 'PASS',
    reasons: [],
    targets: TARGETS.map((t, i) => ({
      targetId: `t${i}`,
      label: t.label,
      verdict: t.verdict,
      reasons: whyOf(t.errPct, t.verdict),
      canary: { requests: 1037, errors: 1, errorRatePct: t.errPct, p95Ms: 187, throttles: 0 },
      baseline: { requests: 8963, errors: 3, errorRatePct: 0.03, p95Ms: 186, throttles: 0 },
    })),
  };
}

const LONGEST_PHASE = 'Pre-promotion validation (SIT smoke, tests, infrastructure)';

describe('the width used: columns sized to their content, reasons wrapped whole', () => {
  it('200x60: the phase rail shows whole phase names, the target table whole names, counts and whys', async () => {
    const t = await canaryAt(200, 60, [...shiftedEvents(), fourTargets(NOW - MIN)]);
    const lines = t.frame().split('\n');
    expect(lines.length).toBe(59);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(200);
    expect(lines.some((line) => line.startsWith(`✓ ${LONGEST_PHASE} `))).toBe(true);
    expect(
      lines.some((line) => line.startsWith('✓ Deploy the new version beside the old one (no traffic yet) ')),
    ).toBe(true);
    const offset = lines[2].indexOf('[10%]');
    expect(offset).toBeGreaterThan(LONGEST_PHASE.length + 2);
    const panel = panelText(lines, offset);
    for (const target of TARGETS) {
      expect(lines.some((line) => line.slice(offset).startsWith(`${target.label} `))).toBe(true);
      expect(panel).toContain(whyOf(target.errPct, target.verdict).join('; '));
    }
    expect(panel).toContain('1037 / 8963');
    expect(panel).not.toContain('…');
    expect(lines[57].startsWith('x ABORT & ROLL BACK')).toBe(true);
    expect(lines[56].slice(offset)).toMatch(/^x ABORT & ROLL BACK sends traffic back/);
  });

  it('120x40: beside the 24-column rail the target names and counts are whole and every why wraps whole', async () => {
    const t = await canaryAt(120, 40, [...shiftedEvents(), fourTargets(NOW - MIN)]);
    const lines = t.frame().split('\n');
    expect(lines.length).toBe(39);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
    expect(lines[2].indexOf('[10%]')).toBe(25);
    const panel = panelText(lines, 25);
    for (const target of TARGETS) {
      expect(lines.some((line) => line.slice(25).startsWith(`${target.label} `))).toBe(true);
      expect(panel).toContain(whyOf(target.errPct, target.verdict).join('; '));
    }
    expect(panel).toContain('1037 / 8963');
    expect(lines[36].slice(25)).toMatch(/^x ABORT & ROLL BACK sends traffic back/);
    expect(lines[37].startsWith('x ABORT & ROLL BACK')).toBe(true);
  });

  it('80x24: the target that does not pass says why whole, the others keep their verdict, x stays', async () => {
    const t = await canaryAt(80, 24, [...shiftedEvents(), fourTargets(NOW - MIN)]);
    const lines = t.frame().split('\n');
    expect(lines.length).toBe(23);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    const panel = panelText(lines, 0);
    expect(panel).toContain(whyOf(1.6, 'NO-GO').join('; '));
    // No room to spare: the longest names give up columns, every target keeps its row and verdict.
    expect(lines.filter((line) => line.startsWith('bbws-prod-')).length).toBe(4);
    expect(panel).toContain('bbws-prod-order-lambda prod 1.6% / 0.03%');
    expect(lines[20]).toMatch(/^x ABORT & ROLL BACK sends traffic back/);
    expect(lines[21].startsWith('x ABORT & ROLL BACK')).toBe(true);
  });
});

const HALT_REASON =
  'engine error: the CloudWatch GetMetricData call for bbws-prod-order-lambda failed three times in a row (ThrottlingException), so the session stops here until someone resumes it or rolls back.';

/** Traffic on the new version, the final checks in PROD under way, and the session halted. */
function haltedAfterTraffic(): SessionEvent[] {
  const at = NOW - 10 * MIN;
  return [
    ...passPhasesBefore('final-smoke'),
    { type: 'traffic.shifted', at, weight: 10, split: split(10, at) },
    { type: 'phase.started', at, phase: 'final-smoke' },
    { type: 'step.started', at, step: firstStepOf('final-smoke'), attempt: 1 },
    { type: 'session.halted', at: NOW - MIN, reason: HALT_REASON },
  ];
}

const firstStepOf = (phase: string) => promotion.phases.find((p) => p.id === phase)?.steps[0]?.id ?? '';

describe('the halt reason wraps whole above the screen', () => {
  for (const [columns, rows, offset] of [
    [120, 40, 25],
    [80, 24, 0],
  ] as const) {
    it(`${columns}x${rows}: the whole reason, and the key bar keeps x on its row`, async () => {
      const t = await drawnAt(columns, rows, haltedAfterTraffic(), 'Halted:');
      const lines = t.frame().split('\n');
      expect(lines.length).toBe(rows - 1);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
      expect(lines[2].slice(offset).startsWith('✗ Halted: engine error:')).toBe(true);
      expect(panelText(lines, offset)).toContain(`✗ Halted: ${HALT_REASON}`);
      expect(lines[rows - 3].startsWith('x ABORT & ROLL BACK')).toBe(true);
    });
  }
});

const COMMENT =
  'Business sign-off given on the change advisory call; the marketing campaign waits for this release, so PROD tonight is approved';

/** The PROD approval gate at high risk: the business owner approved with a long comment, two roles wait. */
function approvalGate(): SessionEvent[] {
  const at = NOW - HOUR;
  return [
    ...passPhasesBefore('approval'),
    { type: 'phase.started', at, phase: 'approval' },
    { type: 'step.started', at, step: 'prod-approval', attempt: 1 },
    {
      type: 'approval.recorded',
      at: at + MIN,
      step: 'prod-approval',
      role: 'business-owner',
      approver: '@sam.owner',
      comment: COMMENT,
      reference: 'CHG-1234',
    },
  ];
}

describe('the approval gate says who, which role and why whole', () => {
  for (const [columns, rows, offset] of [
    [120, 40, 25],
    [80, 24, 0],
  ] as const) {
    it(`${columns}x${rows}: the role's why and the approver's words wrap, nothing is cut`, async () => {
      const t = await drawnAt(columns, rows, approvalGate(), 'approved by', { risk: 'high' });
      const lines = t.frame().split('\n');
      expect(lines.length).toBe(rows - 1);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
      const panel = panelText(lines, offset);
      expect(panel).toContain(`Business Owner: risk high -> Business Owner · "${COMMENT}" (CHG-1234)`);
      expect(panel).toMatch(
        /Business Owner ✓ approved \d+:\d+:\d+ left @sam\.owner 12-02 00:01 → 12-04 00:01 UTC/,
      );
      expect(panel).not.toContain('…');
    });
  }
});
