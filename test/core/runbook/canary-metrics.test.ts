import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseRunbook } from '../../../src/core/runbook/parse.js';

/** The canary target's `metrics:` block (issue 13.2): what it accepts, and each mistake at file:line. */

const text = readFileSync('test/fixtures/runbooks/good/custom-metrics.yaml', 'utf8');
const BLOCK = `                  metrics:
                    dimensions: { Service: shop-orders }
                    versionDimension: FunctionVersion
                    errors:
                      numerator: { namespace: Shop/Orders, metric: OrdersFailed }
                      denominator: { namespace: Shop/Orders, metric: OrdersPlaced }
                    latency: { namespace: Shop/Orders, metric: CheckoutTime, stat: p95 }
`;
const BLOCK_LINE = text.split('\n').indexOf('                  metrics:') + 1;
const TARGET = 'promotions[0].phases[0].steps[0].targets.lambdas[0].metrics';

function withBlock(block: string): string {
  if (!text.includes(BLOCK))
    throw new Error('the fixture no longer has the metrics block these tests change');
  return text.replace(BLOCK, () => block);
}

function problems(source: string): string[] {
  const result = parseRunbook(source, 'rb.yaml');
  if (result.ok) throw new Error('expected the runbook to be rejected');
  return result.problems.map(formatProblem);
}

describe('the metrics block of a canary target', () => {
  it('accepts a ratio with versionDimension and a percentile latency, with the defaults filled in', () => {
    const result = parseRunbook(text, 'rb.yaml');
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const canary = result.runbook.promotions[0].phases[0].steps[0];
    if (canary.kind !== 'canary') throw new Error('the fixture starts with its canary');
    expect(canary.targets.lambdas[0].metrics).toEqual({
      dimensions: { Service: 'shop-orders' },
      versionDimension: 'FunctionVersion',
      canaryDimensions: {},
      baselineDimensions: {},
      errors: {
        numerator: { namespace: 'Shop/Orders', metric: 'OrdersFailed' },
        denominator: { namespace: 'Shop/Orders', metric: 'OrdersPlaced' },
      },
      latency: { namespace: 'Shop/Orders', metric: 'CheckoutTime', stat: 'p95' },
    });
  });

  it('a ratio without its denominator', () => {
    const [problem] = problems(
      withBlock(`                  metrics:
                    versionDimension: FunctionVersion
                    errors:
                      numerator: { namespace: Shop/Orders, metric: OrdersFailed }
`),
    );
    expect(problem).toMatch(
      new RegExp(
        `^rb\\.yaml:${BLOCK_LINE + 2}:\\d+: ${TARGET.replace(/[[\].]/g, '\\$&')}\\.errors: an error ratio needs both numerator and denominator; denominator is missing$`,
      ),
    );
  });

  it('a ratio and a single metric at once', () => {
    const [problem] = problems(
      withBlock(`                  metrics:
                    versionDimension: FunctionVersion
                    errors:
                      numerator: { namespace: Shop/Orders, metric: OrdersFailed }
                      denominator: { namespace: Shop/Orders, metric: OrdersPlaced }
                      metric: Failures
`),
    );
    expect(problem).toContain(`rb.yaml:${BLOCK_LINE + 3}:`);
    expect(problem).toContain('errors is either a ratio (numerator and denominator) or one metric');
  });

  it('an unknown statistic, at its line', () => {
    const [problem] = problems(
      withBlock(`                  metrics:
                    versionDimension: FunctionVersion
                    latency: { namespace: Shop/Orders, metric: CheckoutTime, stat: P95 }
`),
    );
    expect(problem).toMatch(new RegExp(`^rb\\.yaml:${BLOCK_LINE + 2}:\\d+: .*latency\\.stat: `));
    expect(problem).toContain('a percentile such as p95');
  });

  it('canary and baseline reading the same series', () => {
    const [problem] = problems(
      withBlock(`                  metrics:
                    dimensions: { Service: shop-orders }
                    errors: { namespace: Shop/Orders, metric: OrdersFailed }
`),
    );
    expect(problem).toContain(`rb.yaml:${BLOCK_LINE}:`);
    expect(problem).toContain(
      'the canary and the baseline would read the same series; set versionDimension (e.g. FunctionVersion) or canaryDimensions and baselineDimensions that differ',
    );
  });

  it('a block that declares nothing to judge', () => {
    const [problem] = problems(
      withBlock(`                  metrics:
                    versionDimension: FunctionVersion
`),
    );
    expect(problem).toContain(
      'metrics declares neither errors nor latency; declare one, or leave metrics out',
    );
  });
});
