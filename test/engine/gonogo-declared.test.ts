import { describe, expect, it } from 'vitest';
import { eventsOf, rehearse, requestsTo, until } from './helpers.js';

/**
 * Issue 13, point 1: the go/no-go is what the runbook declares. A second team's runbook without a
 * load test declares a go/no-go on coverage and tests only, and promotes in a rehearsal; one with
 * no go/no-go step at all gates traffic on approvals, ticket and window, and promotes too.
 */

const NO_LOAD_TEST = 'test/fixtures/runbooks/good/no-load-test.yaml';
const NO_GONOGO = 'test/fixtures/runbooks/good/no-gonogo.yaml';

describe('a runbook without load tests (no performance input) promotes', () => {
  it('decides GO on the declared coverage and tests, moves traffic and promotes', async () => {
    const r = await rehearse({
      scenario: 'healthy',
      runbookFile: NO_LOAD_TEST,
      promotionId: 'staging-to-live',
      risk: 'low',
    });
    void r.conductor.start();
    await until(r, () => r.conductor.state.status === 'completed', 'the promotion', 150_000);
    const s = r.conductor.state;
    expect(s.outcome).toBe('promoted');
    const [decided] = eventsOf(r, 'gonogo.decided');
    expect(decided.decision).toBe('GO');
    expect(decided.rows.map((row) => row.input)).toEqual(['coverage', 'tests', 'approvals', 'risk']);
    // The coverage row judged the figure the declared evidence rule recorded.
    const recorded = s.steps
      .find((st) => st.id === 'unit-tests')
      ?.evidence.find((e) => e.id === 'unit-coverage');
    expect(recorded?.value).toBeGreaterThanOrEqual(80);
    expect(decided.rows[0].value).toBe(`${recorded?.value}%`);
    // Traffic moved only after the decision.
    const firstShift = eventsOf(r, 'traffic.shifted')[0];
    expect(firstShift).toBeDefined();
    expect(firstShift.at).toBeGreaterThanOrEqual(decided.at);
    expect(s.canary?.promoted).toBe(true);
    expect(requestsTo(r, 'lambda', 'UpdateAlias').length).toBeGreaterThan(0);
  }, 180_000);
});

describe('a runbook with no go/no-go step', () => {
  it('gates traffic on approvals, ticket and window alone, and promotes', async () => {
    const r = await rehearse({ scenario: 'healthy', runbookFile: NO_GONOGO, promotionId: 'staging-to-live' });
    void r.conductor.start();
    await until(r, () => r.conductor.state.status === 'completed', 'the promotion', 150_000);
    const s = r.conductor.state;
    expect(s.outcome).toBe('promoted');
    expect(eventsOf(r, 'gonogo.decided')).toEqual([]);
    expect(s.gonogo).toBeUndefined();
    // The approval came before the first traffic: the guard still held traffic on it.
    const approved = eventsOf(r, 'approval.recorded')[0];
    const firstShift = eventsOf(r, 'traffic.shifted')[0];
    expect(approved.at).toBeLessThanOrEqual(firstShift.at);
    expect(s.canary?.promoted).toBe(true);
  }, 180_000);
});
