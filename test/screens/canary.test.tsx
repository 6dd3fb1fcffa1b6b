import { describe, expect, it, vi } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import { Canary } from '../../src/screens/Canary.js';
import { Monitor } from '../../src/screens/Monitor.js';
import { colorOf, frameOf, stripAnsi } from '../components/render-helpers.js';
import { canaryEvents, fold, MIN, promotion, runbook, sample, split, T0 } from './fixtures.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const base = { runbook, promotion, width: 100, height: 26 };
const STAGE = T0 + 3 * 60 * MIN;

function breachingStage(): SessionEvent[] {
  return [
    ...canaryEvents(STAGE),
    sample(STAGE + MIN, 1, { verdict: 'PASS', errPct: 0.2, p95: 205 }),
    sample(STAGE + 2 * MIN, 1, { verdict: 'WATCH', errPct: 0.7, p95: 215 }),
    sample(STAGE + 3 * MIN, 1, {
      verdict: 'ROLLBACK',
      errPct: 6.4,
      p95: 450,
      reasons: ['error rate 6.4% > 5%'],
    }),
    sample(STAGE + 4 * MIN, 1, {
      verdict: 'ROLLBACK',
      errPct: 7.1,
      p95: 480,
      reasons: ['error rate 7.1% > 5%'],
    }),
    { type: 'traffic.read', at: STAGE + 4 * MIN, split: split(25, STAGE + 4 * MIN) },
  ];
}

describe('Canary', () => {
  it('shows the stage strip, the time left, each sample verdict with the rollback streak, and the live split', async () => {
    const raw = await frameOf(
      <Canary {...base} state={fold(breachingStage())} now={STAGE + 4 * MIN + 30_000} />,
    );
    const frame = stripAnsi(raw);
    expect(frame).toContain('10% ✓ → [25%] → 50% → 100%');
    expect(frame).toContain('hold 10:30 left');
    expect(frame).toContain('✓ PASS ! WATCH ↺ ROLLBACK 1/3 ↺ ROLLBACK 2/3');
    expect(frame).toContain('stable v41 75%');
    expect(frame).toContain('25% canary v42');
    expect(frame).toContain('error rate (%)');
    expect(frame).toContain('p95 (ms) · lines vs baseline 200ms');
    // the latest values and request counts of the target
    expect(frame).toMatch(/bbws-prod-api\s+7\.1% \/ 0\.1%\s+480ms \/ 200ms\s+400 \/ 1200/);
    expect(frame).toContain('x ABORT & ROLL BACK');
    expect(colorOf(raw, 'x ABORT & ROLL BACK')).toBe('red');
  });

  it('draws the band lines: error-rate limits from the runbook, p95 limits relative to the latest baseline', async () => {
    const frame = stripAnsi(
      await frameOf(<Canary {...base} state={fold(breachingStage())} now={STAGE + 5 * MIN} />),
    );
    expect(frame).toContain('rollback 5.0%');
    // p95 rollback band: 2x the 200 ms baseline
    expect(frame).toContain('rollback 400ms');
    expect(frame).toContain('pass 0.5%');
  });

  it('counts down an armed automatic rollback and offers h to hold it', async () => {
    const events = breachingStage();
    events.push(sample(STAGE + 5 * MIN, 1, { verdict: 'ROLLBACK', errPct: 7.5, p95: 500 }), {
      type: 'canary.auto-rollback.armed',
      at: STAGE + 5 * MIN,
      step: 'prod-canary',
      deadline: STAGE + 5 * MIN + 30_000,
      reason: 'rollback band held for 3 samples in a row',
    });
    const frame = stripAnsi(
      await frameOf(<Canary {...base} state={fold(events)} now={STAGE + 5 * MIN + 12_000} />),
    );
    expect(frame).toContain('AUTO-ROLLBACK (rollback band held for 3 samples in a row): 00:18 left');
    expect(frame).toContain('h: hold it');
    expect(frame).toContain('ROLLBACK 3/3');
  });

  it("counts a rehearsal's automatic-rollback countdown in real seconds, and names a hold whose reason is to follow", async () => {
    const armedAt = STAGE + 5 * MIN;
    const events = breachingStage();
    // At x600 the 30 real seconds are 5 hours of the rehearsal's clock.
    events.push(sample(armedAt, 1, { verdict: 'ROLLBACK', errPct: 7.5, p95: 500 }), {
      type: 'canary.auto-rollback.armed',
      at: armedAt,
      step: 'prod-canary',
      deadline: armedAt + 30_000 * 600,
      reason: 'rollback band held for 3 samples in a row',
      speed: 600,
    });
    const counting = stripAnsi(
      await frameOf(<Canary {...base} state={fold(events)} now={armedAt + 12_000 * 600} />),
    );
    expect(counting).toContain('AUTO-ROLLBACK (rollback band held for 3 samples in a row): 00:18 left');
    events.push({ type: 'canary.auto-rollback.held', at: armedAt + MIN, step: 'prod-canary', by: '@alex' });
    const held = stripAnsi(await frameOf(<Canary {...base} state={fold(events)} now={armedAt + 2 * MIN} />));
    expect(held).toContain('Automatic rollback HELD by @alex: reason to follow. x still rolls back at once.');
  });

  it('puts the stage decision in front of the person when the hold ends with concerns', async () => {
    const events = breachingStage().slice(0, -3);
    events.push({
      type: 'canary.stage.decision-needed',
      at: STAGE + 15 * MIN,
      step: 'prod-canary',
      stage: 1,
      action: 'ask',
      reason: '1 of 2 samples were outside the pass band (WATCH).',
    });
    const frame = stripAnsi(await frameOf(<Canary {...base} state={fold(events)} now={STAGE + 15 * MIN} />));
    expect(frame).toContain('Stage 2 (25%) needs a decision: 1 of 2 samples were outside the pass band');
    // The latest sample is the WATCH one: the choices are those allowed now, and say why not advance.
    expect(frame).toContain(
      'enter: decide (extend / roll back / investigate); advance is not offered: the latest sample is WATCH',
    );
    // A pass since: advance is offered again, with nothing withheld.
    events.push(sample(STAGE + 16 * MIN, 1, { verdict: 'PASS', errPct: 0.2, p95: 205 }));
    const cleared = stripAnsi(
      await frameOf(<Canary {...base} state={fold(events)} now={STAGE + 16 * MIN} />),
    );
    expect(cleared).toContain('enter: decide (extend / advance / roll back / investigate)');
    expect(cleared).not.toContain('advance is not offered');
  });

  it('shows a drift between the journal and AWS with both values and the three choices', async () => {
    const events = breachingStage();
    events.push({
      type: 'drift.detected',
      at: STAGE + 6 * MIN,
      recordedWeight: 25,
      live: split(50, STAGE + 6 * MIN),
      details: ['API Gateway canary: journal 25%, AWS 50%'],
    });
    const frame = stripAnsi(await frameOf(<Canary {...base} state={fold(events)} now={STAGE + 6 * MIN} />));
    expect(frame).toContain('DRIFT: the journal says 25% on the new version, AWS says 50%.');
    expect(frame).toContain('API Gateway canary: journal 25%, AWS 50%');
    expect(frame).toContain('enter: adopt the live split · re-apply 25% · roll back');
  });

  it('fits an 80x24 terminal: every row within the main panel', async () => {
    const frame = stripAnsi(
      await frameOf(
        <Canary {...base} width={80} height={19} state={fold(breachingStage())} now={STAGE + 5 * MIN} />,
      ),
    );
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(19);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(frame).toContain('x ABORT & ROLL BACK');
    expect(frame).toContain('ROLLBACK 2/3');
  });
});

describe('Monitor', () => {
  it('charts the monitoring window and lists the extra metrics against their limits', async () => {
    const events = canaryEvents(STAGE);
    const promotedAt = STAGE + 60 * MIN;
    events.push(
      { type: 'canary.promoted', at: promotedAt, step: 'prod-canary', split: split(100, promotedAt) },
      { type: 'step.completed', at: promotedAt, step: 'prod-canary', outcome: 'passed', detail: 'promoted' },
      { type: 'phase.completed', at: promotedAt, phase: 'canary' },
      { type: 'phase.started', at: promotedAt, phase: 'final-smoke' },
    );
    for (const step of promotion.phases.find((p) => p.id === 'final-smoke')!.steps)
      events.push({ type: 'step.completed', at: promotedAt, step: step.id, outcome: 'passed', detail: 'ok' });
    events.push(
      { type: 'phase.completed', at: promotedAt, phase: 'final-smoke' },
      { type: 'phase.started', at: promotedAt, phase: 'monitor' },
      { type: 'step.started', at: promotedAt, step: 'prod-monitor', attempt: 1 },
      { type: 'monitor.started', at: promotedAt, step: 'prod-monitor', durationMs: 120 * MIN },
      sample(
        promotedAt + MIN,
        -1,
        {
          verdict: 'WATCH',
          errPct: 0.6,
          p95: 210,
          extra: [
            { id: 'replication-latency', value: 1200 },
            { id: 'dynamodb-throttles', value: 0 },
          ],
        },
        'prod-monitor',
      ),
    );
    const raw = await frameOf(<Monitor {...base} state={fold(events)} now={promotedAt + 30 * MIN} />);
    const frame = stripAnsi(raw);
    expect(frame).toContain('window: 1:30:00 left');
    expect(frame).toMatch(/DynamoDB replication lag\s+1200 Milliseconds\s+1000\s+5000/);
    expect(frame).toMatch(/DynamoDB throttled requests\s+0 Count/);
    expect(frame).toContain('! WATCH');
    expect(colorOf(raw, 'x ABORT & ROLL BACK')).toBe('red');
  });
});

describe('Canary charts', () => {
  it('keeps the earlier stages on one time axis with the running stage marked', async () => {
    const fixture = canaryEvents(STAGE);
    const ended = fixture.findIndex((e) => e.type === 'canary.stage.completed');
    const firstStage = [2, 3, 4, 5, 6, 7, 8].map((m) =>
      sample(STAGE - 16 * MIN + m * MIN, 0, { verdict: 'PASS', errPct: 0.1, p95: 195 }),
    );
    const events = [
      ...fixture.slice(0, ended),
      ...firstStage,
      ...fixture.slice(ended),
      sample(STAGE + MIN, 1, { verdict: 'PASS', errPct: 0.3, p95: 205 }),
    ];
    const frame = stripAnsi(
      await frameOf(<Canary {...base} width={120} height={30} state={fold(events)} now={STAGE + 2 * MIN} />),
    );
    // Stage 1 (10%) ended; stage 2 (25%) runs: both named on the axis, the running one marked.
    expect(frame).toMatch(/10%\s+▸25%\s+50%\s+100%/);
    expect(frame).toContain('┊');
  });

  it('draws the p95 lines the verdict used, not ones recomputed from the measured baseline', async () => {
    // A runbook with a fixed baseline of 200 ms while the stable version measures 400 ms: the judge
    // limits are from 200 ms, and so must be the lines.
    const journaled = (at: number, p95: number): SessionEvent => {
      const event = sample(at, 1, { verdict: 'NO-GO', errPct: 0.1, p95, baseP95: 400 });
      if (event.type !== 'canary.sample') throw new Error('a sample');
      return { ...event, targets: event.targets.map((t) => ({ ...t, limitsBaseP95Ms: 200 })) };
    };
    const events = [...canaryEvents(STAGE), journaled(STAGE + MIN, 250), journaled(STAGE + 2 * MIN, 260)];
    const frame = stripAnsi(
      await frameOf(<Canary {...base} width={120} height={30} state={fold(events)} now={STAGE + 3 * MIN} />),
    );
    expect(frame).toContain('p95 (ms) · lines vs baseline 200ms');
    expect(frame).not.toContain('lines vs baseline 400ms');
  });
});
