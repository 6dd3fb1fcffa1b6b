import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import type { Runbook } from '../../src/core/runbook/schema.js';
import { resourcesNamedBy } from '../../src/sandbox/emulated-resources.js';
import { loadRunbook } from '../../src/wiring/session-runtime.js';

async function bbws(): Promise<Runbook> {
  return (await loadRunbook('runbooks/bbws.yaml')).runbook;
}

describe('the tables and buckets a promotion names', () => {
  it('reads them from the commands of the BBWS PROD promotion, with the environment filled in', async () => {
    const runbook = await bbws();
    const promotion = runbook.promotions.find((p) => p.id === 'sit-to-prod')!;
    const { tables, buckets } = resourcesNamedBy(runbook, promotion);
    // products (5.2 step 8, 10.3) keyed by id; prod-products from the 7.1 smoke test, keyed as its --key says.
    expect(tables).toEqual([
      { name: 'prod-products', key: 'productId' },
      { name: 'products', key: 'id' },
    ]);
    expect(buckets).toEqual(['prod-bbws-content']);
  });

  it('covers the SIT promotion and its rollback (s3api --bucket, s3:// URLs, --s3-bucket is not a bucket to create)', async () => {
    const runbook = await bbws();
    const promotion = runbook.promotions.find((p) => p.id === 'dev-to-sit')!;
    const { tables, buckets } = resourcesNamedBy(runbook, promotion);
    expect(tables.map((t) => t.name)).toEqual(['sit-products']);
    expect(buckets).toEqual(['sit-bbws-content']);
  });

  it('skips a name whose placeholder nothing in the runbook fills', () => {
    const yaml = `
runbook: { id: t, title: T, version: '1' }
roles: [{ id: lead, title: Lead }]
environments:
  - { id: test, title: TEST, accountId: '123456789013', region: eu-west-1 }
  - { id: prod, title: PROD, accountId: '123456789012', region: eu-west-1 }
promotions:
  - id: ship
    title: Ship
    from: test
    to: prod
    phases:
      - id: p
        title: P
        steps:
          - { id: a, title: A, kind: command, run: [aws, dynamodb, scan, --table-name, "\${version}-items"] }
          - { id: b, title: B, kind: command, run: [aws, s3, cp, x, "s3://\${env}-logs/x"] }
          - { id: c, title: C, kind: command, run: [aws, dynamodb, describe-table, "--table-name=\${env}-orders"] }
    rollback:
      steps:
        - { id: r, title: R, kind: command, shell: true, run: ["aws dynamodb get-item --table-name audit --key '{\\"pk\\":{\\"S\\":\\"1\\"}}'"] }
`;
    const parsed = parseRunbook(yaml, 'inline.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const { tables, buckets } = resourcesNamedBy(parsed.runbook, parsed.runbook.promotions[0]);
    expect(tables).toEqual([
      { name: 'audit', key: 'pk' },
      { name: 'prod-orders', key: 'id' },
    ]);
    expect(buckets).toEqual(['prod-logs']);
  });
});
