import { describe, expect, it } from 'vitest';
import { standinNamesOf } from '../../src/sandbox/standin-names.js';
import { loadRunbook } from '../../src/wiring/session-runtime.js';

describe('the names a rehearsal passes its stand-in tools', () => {
  it("are the runbook's: per environment its account, profile and what its commands and canary name", async () => {
    const { runbook } = await loadRunbook('runbooks/bbws.yaml');
    const promotion = runbook.promotions.find((p) => p.id === 'sit-to-prod')!;
    const names = standinNamesOf(runbook, promotion);
    expect(names.project).toBe('bbws');
    expect(names.environments.map((e) => e.id)).toEqual(['dev', 'sit', 'prod']);
    const prod = names.environments.find((e) => e.id === 'prod')!;
    expect(prod).toMatchObject({ account: '093646564004', region: 'af-south-1', profile: 'bbws-prod' });
    // The canary's three functions, shifted in a PROD phase.
    expect(prod.functions).toEqual([
      'bbws-prod-auth-lambda',
      'bbws-prod-order-lambda',
      'bbws-prod-product-lambda',
    ]);
    expect(prod.tables).toEqual(['prod-products', 'products']);
    expect(prod.buckets).toEqual(['prod-bbws-content']);
    // An environment no command of this promotion acts on has no names.
    expect(names.environments.find((e) => e.id === 'dev')).toMatchObject({
      functions: [],
      tables: [],
      buckets: [],
    });
  });

  it('take the rollback commands, the artifacts bucket of --s3-bucket included', async () => {
    const { runbook } = await loadRunbook('runbooks/bbws.yaml');
    const promotion = runbook.promotions.find((p) => p.id === 'dev-to-sit')!;
    const sit = standinNamesOf(runbook, promotion).environments.find((e) => e.id === 'sit')!;
    expect(sit.functions).toEqual([
      'bbws-sit-auth-lambda',
      'bbws-sit-order-lambda',
      'bbws-sit-product-lambda',
    ]);
    expect(sit.buckets).toEqual(['bbws-artifacts-sit', 'sit-bbws-content']);
  });
});
