import { describe, expect, it } from 'vitest';
import { type RailPhase, railWidth } from '../../src/components/PhaseRail.js';
import { railPhases } from '../../src/screens/chrome.js';
import { canaryEvents, fold, T0 } from '../screens/fixtures.js';

const LONGEST = 'Pre-promotion validation (SIT smoke, tests, infrastructure)';

describe('railWidth: the phase rail as wide as its longest title, up to a share of the terminal', () => {
  const phases = railPhases(fold(canaryEvents(T0 + 3 * 60 * 60_000)));

  it('is whole at 200 columns for the seed runbook (60-character title, a time beside it)', () => {
    expect(phases.some((phase) => phase.title === LONGEST)).toBe(true);
    const width = railWidth(phases, 200);
    expect(width).toBeGreaterThanOrEqual(2 + LONGEST.length + 1 + 6);
    // The main panel keeps most of the terminal.
    expect(200 - width - 1).toBeGreaterThanOrEqual(120);
  });

  it('keeps 24 columns at 120 (the charts need the rest), and grows with the terminal in between', () => {
    expect(railWidth(phases, 120)).toBe(24);
    expect(railWidth(phases, 100)).toBe(24);
    expect(railWidth(phases, 140)).toBe(44);
    expect(railWidth(phases, 160)).toBe(56);
  });

  it('is only as wide as short titles need', () => {
    const short: RailPhase[] = [
      { id: 'a', title: 'Checks', state: 'done', time: '6m' },
      { id: 'b', title: 'Deploy', state: 'current', time: '14:02' },
    ];
    expect(railWidth(short, 200)).toBe(2 + 6 + 1 + 6);
  });
});
