import { describe, expect, it } from 'vitest';
import { currentStep } from '../../src/core/session/selectors.js';
import { eventsOf, runningRehearsal, until } from './helpers.js';

describe('a way forward from a NO-GO', () => {
  it('r runs the steps behind the failing inputs again, then decides again; A abandons with a reason', async () => {
    const r = await runningRehearsal({ scenario: 'coverage-drop' });
    const { conductor } = r;
    await until(r, () => conductor.waiting?.kind === 'gonogo', 'the NO-GO', 90_000);
    const gonogo = currentStep(conductor.state)!;
    // The screen names what r will run again.
    expect(conductor.waiting?.message).toMatch(/Press r to run .*(test|coverage).* again and decide again/i);
    const coverageSteps = conductor.state.steps.filter((s) => s.evidence.some((e) => e.fact === 'coverage'));
    expect(coverageSteps.length).toBeGreaterThan(0);
    const attemptsBefore = coverageSteps.map((s) => s.attempts);

    conductor.rerun(gonogo.id);
    await until(r, () => eventsOf(r, 'gonogo.decided').length >= 2, 'the second decision', 90_000);
    const [reopened] = eventsOf(r, 'steps.reopened');
    expect(reopened.steps).toEqual([...coverageSteps.map((s) => s.id), gonogo.id]);
    const after = conductor.state.steps.filter((s) => coverageSteps.some((c) => c.id === s.id));
    expect(after.map((s) => s.attempts)).toEqual(attemptsBefore.map((a) => a + 1));
    // The coverage is still 72% in this scenario: NO-GO again, and no traffic.
    expect(eventsOf(r, 'gonogo.decided').at(-1)?.decision).toBe('NO-GO');
    expect(eventsOf(r, 'traffic.shifted')).toHaveLength(0);

    expect(conductor.abandon('')).toMatch(/needs a reason/);
    expect(conductor.abandon('coverage will not be fixed tonight')).toBeUndefined();
    expect(conductor.state.status).toBe('completed');
    expect(conductor.state.outcome).toBe('abandoned');
    expect(eventsOf(r, 'session.completed')[0]?.summary).toMatch(
      /Abandoned by .*coverage will not be fixed tonight/,
    );
  }, 180_000);

  it('abandon is refused while traffic is on the new version', async () => {
    const r = await runningRehearsal({ scenario: 'healthy' });
    await until(r, () => r.conductor.state.recordedWeight > 0, 'the first shift', 90_000);
    expect(r.conductor.abandon('tired')).toMatch(/roll back first/);
    expect(r.conductor.state.status).toBe('active');
  }, 120_000);
});
