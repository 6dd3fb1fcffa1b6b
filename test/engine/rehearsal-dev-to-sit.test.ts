import { describe, expect, it } from 'vitest';
import { aliasesAtSandbox, eventsOf, rehearse, requestsTo, until } from './helpers.js';

describe('dev-to-sit: a promotion without a canary rehearses against the sandbox', () => {
  it('runs its terraform, deploys its Lambdas to SIT, smoke-tests the new version, passes its gate, and is promoted', async () => {
    const r = await rehearse({ scenario: 'healthy', promotionId: 'dev-to-sit' });
    // SIT serves the stable version before the deploy; the release is not published yet.
    const before = aliasesAtSandbox(r);
    expect(before.map((l) => l.functionName)).toEqual([
      'bbws-sit-auth-lambda',
      'bbws-sit-order-lambda',
      'bbws-sit-product-lambda',
    ]);
    expect(before.every((l) => l.alias === 'sit' && l.functionVersion === l.stableVersion)).toBe(true);

    void r.conductor.start();
    await until(r, () => r.conductor.state.status === 'completed', 'the promotion', 110_000);
    const s = r.conductor.state;
    expect(s.outcome).toBe('promoted');
    expect(s.steps.filter((x) => x.status !== 'passed').map((x) => `${x.id}: ${x.status}`)).toEqual([]);

    // Each Lambda's terraform apply uploaded its code, published a version and moved the SIT alias to it.
    for (const operation of ['UpdateFunctionCode', 'PublishVersion', 'UpdateAlias'])
      expect(requestsTo(r, 'lambda', operation).length, operation).toBe(3);
    for (const lambda of aliasesAtSandbox(r)) {
      const was = before.find((l) => l.functionName === lambda.functionName);
      expect(Number(lambda.functionVersion)).toBe(Number(was?.stableVersion) + 1);
      expect(lambda.functionVersion).toBe(lambda.canaryVersion);
      expect(lambda.additionalVersionWeights).toEqual({});
    }
    // The smoke and load tests after the deploy (200 load requests in the test runbook) were served
    // by the new version only.
    const app = r.sandbox.world.appCounts;
    expect(app.canary).toBeGreaterThan(200);
    expect(app.stable).toBe(0);
    // The Tech Lead gate and the go/no-go were passed, not skipped.
    expect(eventsOf(r, 'approval.recorded').map((e) => e.role)).toContain('tech-lead');
    expect(s.gonogo?.decision).toMatch(/^GO/);
  }, 120_000);
});
