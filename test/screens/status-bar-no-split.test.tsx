import { describe, expect, it } from 'vitest';
import { StatusBar } from '../../src/components/StatusBar.js';
import { foldEvents } from '../../src/core/session/state.js';
import { statusBarProps } from '../../src/screens/chrome.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import { created, promotion, runbook, T0 } from './fixtures.js';

const devToSit = runbook.promotions.find((p) => p.id === 'dev-to-sit')!;

async function statusLine(which: typeof promotion): Promise<string> {
  const state = foldEvents(runbook, which, [
    created({ promotionId: which.id, from: which.from, to: which.to }),
  ]);
  return stripAnsi(await frameOf(<StatusBar {...statusBarProps(state, T0 + 60_000, {})} />));
}

describe('the status bar of a promotion that splits no traffic', () => {
  it('says DEV -> SIT has no split to read, instead of waiting for one', async () => {
    expect(await statusLine(devToSit)).toContain('traffic: not split (no canary step)');
  });

  it('still says "not read yet" before the first read of a canary promotion', async () => {
    expect(await statusLine(promotion)).toContain('traffic: not read yet');
  });
});
