import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/core/runbook/parse.js';
import type { GonogoStep, Promotion, Runbook } from '../../../src/core/runbook/schema.js';
import type { EvidenceRecord, SessionEvent } from '../../../src/core/session/events.js';
import { dangerBlockersOf, decideFor } from '../../../src/core/session/gates.js';
import { stepsBehindFailingInputs } from '../../../src/core/session/gonogo-inputs.js';
import { foldEvents } from '../../../src/core/session/state.js';

/**
 * Issue 13, point 1: the go/no-go judges what the runbook declares, from the steps it names; a
 * promotion without a go/no-go gates traffic on approvals, ticket and window alone.
 */

const SHOP = readFileSync('test/fixtures/runbooks/good/no-load-test.yaml', 'utf8');
const NO_GONOGO = readFileSync('test/fixtures/runbooks/good/no-gonogo.yaml', 'utf8');
const T0 = Date.UTC(2026, 11, 2, 20, 0);

/** The shop runbook with a lint step before the gate that records a (low) coverage figure of its own. */
const WITH_LINT = SHOP.replace(
  '      - id: gates\n',
  `          - id: lint
            title: Lint with its own coverage figure
            kind: command
            run: [npm, run, lint]
            evidence:
              - { id: lint-coverage, fact: coverage, from: regex, pattern: 'covered (\\d+)%' }
      - id: gates
`,
);

function load(text: string): { runbook: Runbook; promotion: Promotion } {
  const parsed = parseRunbook(text, 'shop.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { runbook: parsed.runbook, promotion: parsed.runbook.promotions[0] };
}

function gateOf(promotion: Promotion): GonogoStep {
  return promotion.phases.flatMap((p) => p.steps).find((s): s is GonogoStep => s.kind === 'gonogo')!;
}

function created(runbook: Runbook, promotion: Promotion): SessionEvent {
  return {
    type: 'session.created',
    at: T0,
    sessionId: 's',
    runbookFile: 'shop.yaml',
    runbookId: runbook.runbook.id,
    runbookTitle: runbook.runbook.title,
    runbookHash: 'h',
    promotionId: promotion.id,
    from: promotion.from,
    to: promotion.to,
    version: 'v2',
    conductor: '@carol',
    risk: 'low',
    ticket: 'SHOP-101',
  };
}

function figure(id: string, fact: string, value: number): EvidenceRecord {
  return { id, fact, value, limit: '', ok: true, detail: `${fact} ${value}` };
}

function ran(step: string, evidence: EvidenceRecord[], at: number, outcome: 'passed' | 'failed' = 'passed') {
  return [
    { type: 'step.started', at, step, attempt: 1 },
    { type: 'step.completed', at: at + 1, step, outcome, detail: 'exit 0', evidence },
  ] as SessionEvent[];
}

const approved: SessionEvent = {
  type: 'approval.recorded',
  at: T0 + 5_000,
  step: 'lead-approval',
  role: 'lead',
  approver: '@dana',
  comment: 'ok',
};

describe('the go/no-go judges the declared inputs from the declared steps', () => {
  it('GO without any performance figure when performance is not declared', () => {
    const { runbook, promotion } = load(SHOP);
    const events = [
      created(runbook, promotion),
      ...ran(
        'unit-tests',
        [figure('unit-coverage', 'coverage', 91), figure('unit-passed', 'tests-passed', 312)],
        T0 + 1_000,
      ),
      approved,
    ];
    const result = decideFor(
      runbook,
      promotion,
      foldEvents(runbook, promotion, events),
      gateOf(promotion),
      T0 + 9_000,
    );
    expect(result.decision).toBe('GO');
    expect(result.rows.map((r) => [r.input, r.value, r.verdict])).toEqual([
      ['coverage', '91%', 'ok'],
      ['tests', '312 passed, 0 failed', 'ok'],
      ['approvals', 'complete', 'ok'],
      ['risk', 'low', 'ok'],
    ]);
  });

  it('reads coverage only from the declared evidence: a figure of another step does not count', () => {
    const { runbook, promotion } = load(WITH_LINT);
    const events = [
      created(runbook, promotion),
      ...ran(
        'unit-tests',
        [figure('unit-coverage', 'coverage', 91), figure('unit-passed', 'tests-passed', 312)],
        T0 + 1_000,
      ),
      ...ran('lint', [figure('lint-coverage', 'coverage', 40)], T0 + 2_000),
      approved,
    ];
    const state = foldEvents(runbook, promotion, events);
    const declared = decideFor(runbook, promotion, state, gateOf(promotion), T0 + 9_000);
    expect(declared.decision).toBe('GO');
    expect(declared.rows[0].value).toBe('91%');
    // Without `from`, every step before the gate feeds it, and the lowest figure counts.
    const undeclared: GonogoStep = { ...gateOf(promotion), coverage: { min: 80 } };
    const wide = decideFor(runbook, promotion, state, undeclared, T0 + 9_000);
    expect(wide.decision).toBe('NO-GO');
    expect(wide.rows[0]).toMatchObject({ input: 'coverage', value: '40%', verdict: 'fail' });
    // r runs again the steps that fed the failing input.
    expect(stepsBehindFailingInputs(state, wide.rows, promotion, undeclared)).toEqual(['unit-tests', 'lint']);
  });

  it('a failed run of a declared test step is a failed test', () => {
    const { runbook, promotion } = load(SHOP);
    const events = [
      created(runbook, promotion),
      ...ran('unit-tests', [figure('unit-coverage', 'coverage', 91)], T0 + 1_000, 'failed'),
      approved,
    ];
    const state = foldEvents(runbook, promotion, events);
    const result = decideFor(runbook, promotion, state, gateOf(promotion), T0 + 9_000);
    expect(result.decision).toBe('NO-GO');
    expect(result.rows[1]).toMatchObject({ input: 'tests', verdict: 'fail' });
    expect(stepsBehindFailingInputs(state, result.rows, promotion, gateOf(promotion))).toEqual([
      'unit-tests',
    ]);
  });
});

describe('the traffic guard of a promotion', () => {
  it('without a go/no-go step: approvals, ticket and window alone, in production too', () => {
    const { runbook, promotion } = load(NO_GONOGO);
    const start = [created(runbook, promotion), ...ran('unit-tests', [], T0 + 1_000)];
    const before = dangerBlockersOf(
      runbook,
      promotion,
      foldEvents(runbook, promotion, start),
      'canary',
      T0 + 9_000,
    );
    expect(before).toHaveLength(1);
    expect(before[0]).toMatch(/^Approvals are not complete\./);
    const after = foldEvents(runbook, promotion, [...start, approved]);
    expect(dangerBlockersOf(runbook, promotion, after, 'canary', T0 + 9_000)).toEqual([]);
    // The ticket still counts.
    const noTicket = foldEvents(runbook, promotion, [
      { ...created(runbook, promotion), ticket: undefined } as SessionEvent,
      approved,
    ]);
    expect(dangerBlockersOf(runbook, promotion, noTicket, 'canary', T0 + 9_000)).toHaveLength(1);
  });

  it('with a go/no-go step: traffic waits for its decision', () => {
    const { runbook, promotion } = load(SHOP);
    const state = foldEvents(runbook, promotion, [created(runbook, promotion), approved]);
    expect(dangerBlockersOf(runbook, promotion, state, 'canary', T0 + 9_000)).toEqual([
      'No go/no-go decision has been made; traffic cannot move.',
    ]);
  });
});
