import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import type { Promotion, Runbook } from '../../src/core/runbook/schema.js';
import { foldEvents, type SessionState } from '../../src/core/session/state.js';
import type { Waiting } from '../../src/core/session/waiting.js';
import { Canary } from '../../src/screens/Canary.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import { runbook as bbws, promotion as bbwsPromotion, created, fold, T0 } from './fixtures.js';

/** Issue 13: a runbook without a go/no-go says, where traffic would wait for one, what gates it instead. */

const parsed = parseRunbook(readFileSync('test/fixtures/runbooks/good/no-gonogo.yaml', 'utf8'), 'shop.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const shop = parsed.runbook;
const shopPromotion = shop.promotions[0];
const SENTENCE = 'No go/no-go in this runbook: approvals, the change ticket and the window gate traffic.';

const shopState = foldEvents(shop, shopPromotion, [
  created({
    runbookFile: 'shop.yaml',
    runbookId: shop.runbook.id,
    runbookTitle: shop.runbook.title,
    promotionId: shopPromotion.id,
    from: 'staging',
    to: 'live',
    ticket: 'SHOP-101',
  }),
]);

/** The canary screen at 100x26 before any traffic moved, waiting as `waiting` says. */
async function canaryFrame(
  waiting: Waiting,
  of: { runbook: Runbook; promotion: Promotion; state: SessionState } = {
    runbook: shop,
    promotion: shopPromotion,
    state: shopState,
  },
): Promise<string> {
  return stripAnsi(
    await frameOf(<Canary {...of} now={T0 + 60_000} waiting={waiting} width={100} height={26} />),
  );
}

describe('Canary before traffic moves, in a runbook without a go/no-go', () => {
  it('says approvals, ticket and window gate traffic when the guard holds it', async () => {
    const frame = await canaryFrame({
      step: 'canary',
      kind: 'traffic-guard',
      message: 'Approvals are not complete.',
    });
    expect(frame).toContain('Traffic will not move: Approvals are not complete.');
    expect(frame).toContain(SENTENCE);
  });

  it('says it on the question that starts the canary too', async () => {
    const frame = await canaryFrame({ step: 'canary', kind: 'canary-start', message: 'Start the canary?' });
    expect(frame).toContain('Start the canary? 20% of LIVE traffic moves to v42.');
    expect(frame).toContain(SENTENCE);
  });

  it('a runbook with a go/no-go does not say it', async () => {
    const frame = await canaryFrame(
      { step: 'prod-canary', kind: 'canary-start', message: 'Start the canary?' },
      { runbook: bbws, promotion: bbwsPromotion, state: fold([created()]) },
    );
    expect(frame).toContain('Start the canary?');
    expect(frame).not.toContain('No go/no-go');
  });
});
