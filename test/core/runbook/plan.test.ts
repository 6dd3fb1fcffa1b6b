// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/core/runbook/parse.js';
import { describePlan, summarize } from '../../../src/core/runbook/plan.js';

const text = readFileSync(new URL('../../../runbooks/bbws.yaml', import.meta.url).pathname, 'utf8');
const parsed = parseRunbook(text, 'bbws.yaml');
if (!parsed.ok) throw new Error('bbws.yaml must parse');
const plan = describePlan(parsed.runbook);

describe('summarize', () => {
  it('counts environments, promotions and steps (rollback included)', () => {
    const steps = parsed.runbook.promotions.reduce(
      (n, p) => n + p.rollback.steps.length + p.phases.reduce((m, ph) => m + ph.steps.length, 0),
      0,
    );
    expect(summarize(parsed.runbook)).toBe(
      `valid: BBWS environment promotion (DEV -> SIT -> PROD): 3 environments, 2 promotions, ${steps} steps`,
    );
  });
});

describe('describePlan', () => {
  it('numbers the phases of each promotion with the environment they act on', () => {
    expect(plan).toContain('  1. Pre-promotion validation (SIT smoke, tests, infrastructure) [sit]');
    expect(plan).toContain('  6. Staged canary 10% -> 25% -> 50% -> 100% [prod]');
  });

  it('fills in what the runbook knows and keeps session values visible', () => {
    expect(plan).toContain('aws s3api get-bucket-versioning --bucket sit-bbws-content');
    expect(plan).toContain('Create the release branch release/${version}');
    expect(plan).not.toContain('${baseUrl}');
  });

  it('describes each kind of step by what matters about it', () => {
    expect(plan).toContain('[gonogo] Go/no-go for PROD: coverage >= 80%, p95 <= baseline + 10%');
    expect(plan).toContain('rollback when error rate > 5% or p95 > baseline + 100% for 3 samples');
    expect(plan).toContain('2h; DynamoDB replication lag <= 1000 Milliseconds, rollback above 5000');
    expect(plan).toContain(
      '[load] Load test the API gateway (1000 requests, 100 concurrent): 100 concurrent on',
    );
    expect(plan).toContain(
      '[notify] Post the SIT deployment summary to #devops-alerts: template promotion-request',
    );
  });

  it('ends each promotion with its rollback procedure', () => {
    expect(plan).toMatch(
      /rollback: Send all traffic back to the stable version .* -> PROD API health after rollback/,
    );
  });
});
