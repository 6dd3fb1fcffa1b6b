import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import { foldEvents } from '../../src/core/session/state.js';
import { GoNoGo } from '../../src/screens/GoNoGo.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import { created, T0 } from './fixtures.js';

/** Issue 13: the go/no-go screen shows the inputs the runbook declares and names those it does not. */

const parsed = parseRunbook(
  readFileSync('test/fixtures/runbooks/good/no-load-test.yaml', 'utf8'),
  'shop.yaml',
);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const shop = parsed.runbook;
const promotion = shop.promotions[0];

describe('GoNoGo of a runbook without load tests', () => {
  it('judges coverage and tests, and says performance is not an input', async () => {
    const state = foldEvents(shop, promotion, [
      created({
        runbookFile: 'shop.yaml',
        runbookId: shop.runbook.id,
        runbookTitle: shop.runbook.title,
        promotionId: promotion.id,
        from: 'staging',
        to: 'live',
        ticket: 'SHOP-101',
      }),
      { type: 'step.started', at: T0 + 1_000, step: 'unit-tests', attempt: 1 },
      {
        type: 'step.completed',
        at: T0 + 2_000,
        step: 'unit-tests',
        outcome: 'passed',
        detail: 'exit 0',
        evidence: [
          { id: 'unit-coverage', fact: 'coverage', value: 88, limit: '', ok: true, detail: 'coverage 88' },
          { id: 'unit-passed', fact: 'tests-passed', value: 312, limit: '', ok: true, detail: '312 passed' },
        ],
      },
      {
        type: 'approval.recorded',
        at: T0 + 3_000,
        step: 'lead-approval',
        role: 'lead',
        approver: '@dana',
        comment: 'ok',
      },
    ]);
    const frame = stripAnsi(
      await frameOf(
        <GoNoGo
          runbook={shop}
          promotion={promotion}
          state={state}
          now={T0 + 9_000}
          width={100}
          height={20}
        />,
      ),
    );
    expect(frame).toContain('Decision:  GO ');
    expect(frame).toMatch(/coverage\s+88%/);
    expect(frame).toContain('Tests pass (312 passed, 0 failed).');
    expect(frame).not.toMatch(/^\s*performance\s/m);
    expect(frame).toContain('Not an input of this go/no-go (the runbook does not declare it): performance');
  });
});
