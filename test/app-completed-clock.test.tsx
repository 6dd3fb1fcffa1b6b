import { describe, expect, it } from 'vitest';
import { headerClock } from '../src/components/Header.js';
import { split } from './screens/fixtures.js';
import { NOW, setup, shiftedEvents } from './support/app-session.js';

const MIN = 60_000;

describe('a completed session stands still on screen', () => {
  it('the header clock shows the moment the session completed, not the clock running on', async () => {
    const endedAt = NOW - 10 * MIN;
    const t = setup([
      ...shiftedEvents(),
      { type: 'canary.promoted', at: endedAt, step: 'prod-canary', split: split(100, endedAt) },
      {
        type: 'session.completed',
        at: endedAt,
        outcome: 'promoted',
        summary: 'v42 promoted to PROD; every step passed.',
      },
    ]);
    await t.waitFor('PROMOTED');
    expect(t.frame()).toContain(headerClock(endedAt));
    expect(t.frame()).not.toContain(headerClock(NOW));
  });

  it('a session still running shows its clock', async () => {
    const t = setup(shiftedEvents());
    await t.waitFor(headerClock(NOW));
  });
});
