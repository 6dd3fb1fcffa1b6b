import { describe, expect, it, vi } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import { Canary } from '../../src/screens/Canary.js';
import { DARK_THEME, LIGHT_THEME, PLAIN_THEME, type Theme, ThemeProvider } from '../../src/terminal/theme.js';
import { colorOf, frameOf, stripAnsi } from '../components/render-helpers.js';
import { canaryEvents, fold, MIN, promotion, runbook, sample, split, T0 } from './fixtures.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const STAGE = T0 + 3 * 60 * MIN;

/** A stage that has seen every verdict, ending two samples into a rollback streak. */
function everyVerdict(): SessionEvent[] {
  return [
    ...canaryEvents(STAGE),
    sample(STAGE + MIN, 1, { verdict: 'PASS', errPct: 0.2, p95: 205 }),
    sample(STAGE + 2 * MIN, 1, { verdict: 'WATCH', errPct: 0.7, p95: 215 }),
    sample(STAGE + 3 * MIN, 1, { verdict: 'NO-GO', errPct: 1.4, p95: 300 }),
    sample(STAGE + 4 * MIN, 1, { verdict: 'INSUFFICIENT', errPct: 0, p95: 200, requests: 3 }),
    sample(STAGE + 5 * MIN, 1, { verdict: 'STALE', errPct: 0.3, p95: 210 }),
    sample(STAGE + 6 * MIN, 1, {
      verdict: 'ROLLBACK',
      errPct: 6.4,
      p95: 450,
      reasons: ['error rate 6.4% > 5%'],
    }),
    sample(STAGE + 7 * MIN, 1, {
      verdict: 'ROLLBACK',
      errPct: 7.1,
      p95: 480,
      reasons: ['error rate 7.1% > 5%'],
    }),
    { type: 'traffic.read', at: STAGE + 7 * MIN, split: split(25, STAGE + 7 * MIN) },
  ];
}

/** The canary's main panel at 120x40 (the phase rail takes 25 columns, the chrome 5 rows). */
async function canaryFrame(theme: Theme): Promise<string> {
  return frameOf(
    <ThemeProvider theme={theme}>
      <Canary
        runbook={runbook}
        promotion={promotion}
        width={95}
        height={35}
        state={fold(everyVerdict())}
        now={STAGE + 7 * MIN + 20_000}
      />
    </ThemeProvider>,
  );
}

// SGR foreground codes of yellow and cyan (normal and bright): faint on a white background.
const FAINT_ON_WHITE = /\x1b\[(?:[0-9;]*;)?(?:33|36|93|96)m/;

describe('Canary colours on a light and a dark background', () => {
  for (const [name, theme] of [
    ['light', LIGHT_THEME],
    ['dark', DARK_THEME],
    ['no colour', PLAIN_THEME],
  ] as const) {
    it(`${name}: every verdict and every limit is carried by words or a symbol, not by colour alone`, async () => {
      const plain = stripAnsi(await canaryFrame(theme));
      // Each sample's verdict, as a symbol and a word, in the sample strip.
      for (const verdict of [
        '✓ PASS',
        '! WATCH',
        '✗ NO-GO',
        '? INSUFFICIENT DATA',
        '… STALE',
        '↺ ROLLBACK 1/3',
        '↺ ROLLBACK 2/3',
      ])
        expect(plain).toContain(verdict);
      // The latest target's verdict in the table.
      expect(plain).toMatch(/bbws-prod-api .*↺ ROLLBACK/);
      // Every limit line of both charts is labelled with its name and value.
      expect(plain).toContain('pass 0.5%');
      expect(plain).toContain('no-go 1.0%');
      expect(plain).toContain('rollback 5.0%');
      expect(plain).toMatch(/pass \d+ms/);
      expect(plain).toMatch(/no-go \d+ms/);
      expect(plain).toContain('rollback 400ms');
      // Canary, baseline and limits are told apart by their line, as the legend says.
      expect(plain).toContain('── canary');
      expect(plain).toContain('══ baseline');
      expect(plain).toContain('┄ limits');
      // Stages done and running are marked, and the split is two different blocks.
      expect(plain).toContain('10% ✓ → [25%] → 50% → 100%');
      expect(plain).toMatch(/stable v41 75% █+░+ 25% canary v42/);
    });
  }

  it('light: uses no yellow or cyan (faint on white); warnings are magenta, the canary blue', async () => {
    const raw = await canaryFrame(LIGHT_THEME);
    expect(raw).not.toMatch(FAINT_ON_WHITE);
    expect(colorOf(raw, '! WATCH')).toBe('magenta');
    expect(colorOf(raw, '… STALE')).toBe('magenta');
    expect(colorOf(raw, '── canary')).toBe('blue');
    expect(colorOf(raw, 'no-go 1.0%')).toBe('magenta');
    expect(colorOf(raw, '✗ NO-GO')).toBe('red');
    expect(colorOf(raw, '✓ PASS')).toBe('green');
    expect(colorOf(raw, 'x ABORT & ROLL BACK')).toBe('red');
  });

  it('dark: yellow warnings and a cyan canary, which read well on black', async () => {
    const raw = await canaryFrame(DARK_THEME);
    expect(colorOf(raw, '! WATCH')).toBe('yellow');
    expect(colorOf(raw, '── canary')).toBe('cyan');
    expect(colorOf(raw, 'no-go 1.0%')).toBe('yellow');
    expect(colorOf(raw, '✗ NO-GO')).toBe('red');
    expect(colorOf(raw, 'x ABORT & ROLL BACK')).toBe('red');
  });

  it('no colour: not one colour code, the abort key in reverse video', async () => {
    const raw = await canaryFrame(PLAIN_THEME);
    expect(raw).not.toMatch(/\x1b\[(?:3[0-7]|9[0-7])m/);
    expect(stripAnsi(raw)).toContain('x ABORT & ROLL BACK');
    expect(raw).toMatch(/\x1b\[7m[^\n]*x ABORT & ROLL BACK/);
  });
});
