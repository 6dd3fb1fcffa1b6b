import { describe, expect, it } from 'vitest';
import { QUICK_FIRST_STAGE, useConductorHome, waitForCanaryStage } from './flows.js';
import { eventsOf } from './terminal.js';

describe('someone moves the traffic behind the conductor’s back during the canary', () => {
  const e2e = useConductorHome();

  it('shows the drift, asks, and re-applies the recorded split when told to', async () => {
    const { home } = e2e;
    const app = e2e.startRehearsal({
      scenario: 'drift',
      autopilot: true,
      speed: 120,
      runbook: { canaryMinutes: QUICK_FIRST_STAGE },
    });
    await waitForCanaryStage(app, 25);
    const drift = await app.waitForText(
      'DRIFT: the journal says 25% on the new version, AWS says 40%',
      60_000,
    );
    expect(drift).toMatch(/60% .* 40% canary v\d{4}\.\d{2}\.\d{2}\.1/);
    expect(drift).toContain('API Gateway stage prod: canary at 40% live, 25% in the journal');
    await app.press('enter');
    await app.waitForText('The live traffic split differs from the journal', 10_000);
    await app.choose('choice', 'reapply');
    await app.press('enter');
    // The recorded 25% goes back to AWS, the drift is resolved, and the drift panel goes. (The bar's
    // 25% may be short-lived: when the stage's hold ran out during the question, the next stage
    // starts at once, so the journal is what proves the re-apply.)
    const reapplied = await app.waitFor(
      () => {
        const events = eventsOf(home, 'traffic.shifted');
        const detectedAt = eventsOf(home, 'drift.detected')[0]?.at ?? Number.POSITIVE_INFINITY;
        return events.find((e) => e.at >= detectedAt);
      },
      30_000,
      'the recorded split re-applied',
    );
    expect(reapplied.weight).toBe(25);
    expect((reapplied.split as { apiGateway?: { canaryPercent: number } }).apiGateway?.canaryPercent).toBe(
      25,
    );
    await app.waitForNoText('DRIFT', 30_000);
    app.show('drift re-applied');
    const resolved = await app.waitFor(() => eventsOf(home, 'drift.resolved')[0], 10_000, 'drift.resolved');
    expect(resolved.choice).toBe('reapply');
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
  }, 240_000);
});
