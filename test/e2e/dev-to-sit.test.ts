import { describe, expect, it } from 'vitest';
import { rehearseArgs, useConductorHome } from './flows.js';

describe('the whole DEV -> SIT -> PROD flow in a terminal', () => {
  const e2e = useConductorHome();

  it('dev-to-sit rehearses to PROMOTED with the autopilot, and home then offers SIT -> PROD for the same version', async () => {
    const args = [...rehearseArgs(e2e.home, { autopilot: true, speed: 120 }), '--promotion', 'dev-to-sit'];
    const first = e2e.start(args);
    await first.waitForText('DEV → SIT', 60_000);
    // Terraform, the Lambda deploys, the SIT checks and smoke tests with the installed AWS CLI (each
    // call a few real seconds on a busy machine), the Tech Lead gate and the go/no-go.
    await first.waitForText('PROMOTED', 420_000);
    expect(first.screenText()).toContain('promoted to SIT; every step passed');
    expect(first.screenText()).toContain('traffic: not split (no canary step)');
    await first.press('q');
    expect((await first.waitForExit(30_000)).exitCode).toBe(0);

    // The home screen of the next rehearsal: the promoted session, and n for the next edge.
    const home = e2e.start(rehearseArgs(e2e.home, { speed: 120 }));
    await home.waitForText('is promoted: n starts SIT -> PROD for it.', 60_000);
    expect(home.screenText()).toMatch(/n promote v\S+ SIT -> PROD/);
    await home.press('n');
    await home.waitForText('sit-to-prod');
    await home.press('enter');
    await home.waitForText('SIT → PROD', 60_000);
  }, 600_000);
});
