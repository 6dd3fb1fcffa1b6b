import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/core/session/events.js';
import type { SampleState } from '../../src/core/session/state.js';
import { SampleStrip } from '../../src/screens/CanaryPanels.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';

function samples(verdicts: Verdict[]): SampleState[] {
  return verdicts.map((verdict, i) => ({
    at: 1_000 + i * 60_000,
    windowStart: i * 60_000,
    windowEnd: 1_000 + i * 60_000,
    verdict,
    reasons: [],
    targets: [],
  }));
}

describe('SampleStrip', () => {
  it('counts a rollback streak up to the sustained limit and no further', async () => {
    const strip = samples(['PASS', ...Array<Verdict>(5).fill('ROLLBACK')]);
    const frame = stripAnsi(await frameOf(<SampleStrip samples={strip} sustained={3} width={100} />));
    expect(frame).toContain('✓ PASS ↺ ROLLBACK 1/3 ↺ ROLLBACK 2/3 ↺ ROLLBACK 3/3');
    expect(frame).not.toMatch(/ROLLBACK [4-9]\/3/);
    expect(frame.match(/ROLLBACK 3\/3/g)).toHaveLength(3);
  });

  it('starts the count again after a sample inside the band, and lets a stale one neither count nor break it', async () => {
    const strip = samples(['ROLLBACK', 'ROLLBACK', 'PASS', 'ROLLBACK', 'STALE', 'ROLLBACK']);
    const frame = stripAnsi(await frameOf(<SampleStrip samples={strip} sustained={3} width={100} />));
    expect(frame).toContain('ROLLBACK 1/3 ↺ ROLLBACK 2/3 ✓ PASS ↺ ROLLBACK 1/3 … STALE ↺ ROLLBACK 2/3');
  });
});
