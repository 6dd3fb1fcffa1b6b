import { describe, expect, it } from 'vitest';
import { canaryWeightAtSandbox, eventsOf, runningRehearsal, until } from './helpers.js';

describe('latency-blip: a WATCH the autopilot extends, then advances once it has cleared', () => {
  it('extends the 25% stage on WATCH, and advances only after every later sample passed', async () => {
    const r = await runningRehearsal({ scenario: 'latency-blip' });
    await until(r, () => (r.conductor.state.canary?.stages.length ?? 0) >= 3, 'the 50% stage', 120_000);

    const first = r.conductor.state.canary!.stages[1];
    const watch = first.samples.filter((s) => s.verdict === 'WATCH');
    expect(watch.length).toBeGreaterThan(0);
    expect(watch[0].reasons.join(' ')).toMatch(/p95/i);
    // Never a breach: the blip stays inside the no-go limit.
    expect(first.samples.some((s) => s.verdict === 'NO-GO' || s.verdict === 'ROLLBACK')).toBe(false);

    const choices = eventsOf(r, 'canary.stage.choice').filter((e) => e.stage === 1);
    const extend = choices.find((c) => c.choice === 'extend');
    const advance = choices.find((c) => c.choice === 'advance');
    expect(extend?.by).toBe('rehearsal-autopilot');
    expect(extend?.reason).toMatch(/outside the pass band/);
    expect(advance?.reason).toMatch(/since the extension passed/);
    // Every sample taken after the extension passed; the WATCH ones came before it.
    const after = first.samples.filter((s) => s.at > extend!.at);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s.verdict === 'PASS')).toBe(true);
    expect(watch.every((s) => s.at <= extend!.at)).toBe(true);
    expect(eventsOf(r, 'canary.extended').filter((e) => e.at > first.startedAt)).toHaveLength(1);
    await until(r, () => canaryWeightAtSandbox(r) === 50, 'the sandbox at 50%');
  }, 150_000);
});
