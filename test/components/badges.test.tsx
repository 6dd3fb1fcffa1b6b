import { describe, expect, it, vi } from 'vitest';
import { Banner } from '../../src/components/Banner.js';
import { Countdown } from '../../src/components/Countdown.js';
import { formatAge, formatClock, sanitizeLine, truncate } from '../../src/components/format.js';
import { VerdictBadge } from '../../src/components/VerdictBadge.js';
import type { Verdict } from '../../src/core/canary/verdict.js';
import { PLAIN_THEME, ThemeProvider } from '../../src/terminal/theme.js';
import { colorOf, frameOf, stripAnsi } from './render-helpers.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const FOREGROUND = /\x1b\[(3\d|9\d)m/;

describe('VerdictBadge', () => {
  const cases: Array<[Verdict, string]> = [
    ['PASS', '✓ PASS'],
    ['WATCH', '! WATCH'],
    ['NO-GO', '✗ NO-GO'],
    ['INSUFFICIENT', '? INSUFFICIENT DATA'],
    ['STALE', '… STALE'],
  ];

  it('reads the same with NO_COLOR: a word and a symbol, no colour codes', async () => {
    for (const [verdict, text] of cases) {
      const frame = await frameOf(
        <ThemeProvider theme={PLAIN_THEME}>
          <VerdictBadge verdict={verdict} />
        </ThemeProvider>,
      );
      expect(frame).toContain(text);
      expect(frame).not.toMatch(FOREGROUND);
    }
  });

  it('counts the breaches toward a rollback and shows it in red', async () => {
    const frame = await frameOf(<VerdictBadge verdict="ROLLBACK" breaches={{ count: 2, of: 3 }} />);
    expect(frame).toContain('↺ ROLLBACK 2/3');
    expect(colorOf(frame, 'ROLLBACK')).toBe('red');
    expect(colorOf(await frameOf(<VerdictBadge verdict="PASS" />), 'PASS')).toBe('green');
  });
});

describe('Countdown and Banner', () => {
  it('shows minutes and seconds left, and says when paused', async () => {
    const hold = stripAnsi(await frameOf(<Countdown label="Hold at 25%" remainingMs={462_000} />));
    expect(hold).toContain('Hold at 25%: 07:42 left');
    const paused = stripAnsi(await frameOf(<Countdown label="Hold" remainingMs={61_500} paused />));
    expect(paused).toContain('01:02 left (paused)');
    const rollback = await frameOf(<Countdown label="Auto-rollback" remainingMs={45_000} danger />);
    expect(colorOf(rollback, '00:45')).toBe('red');
    expect(await frameOf(<Countdown label="Expired" remainingMs={-5000} />)).toContain('00:00');
  });

  it('marks a danger banner with a symbol as well as colour', async () => {
    const frame = await frameOf(
      <ThemeProvider theme={PLAIN_THEME}>
        <Banner kind="danger" text="Rollback failed: traffic is still on v42" />
      </ThemeProvider>,
    );
    expect(frame).toContain('✗ Rollback failed: traffic is still on v42');
  });
});

describe('format', () => {
  it('formats clocks, ages and cuts', () => {
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(formatClock(999)).toBe('00:01');
    expect(formatAge(500)).toBe('just now');
    expect(formatAge(12_000)).toBe('12s ago');
    expect(formatAge(180_000)).toBe('3m ago');
    expect(formatAge(7_200_000)).toBe('2h ago');
    expect(truncate('promotion', 5)).toBe('prom…');
    expect(truncate('abc', 0)).toBe('');
  });

  it('strips control sequences from command output so it cannot tear the frame', () => {
    expect(sanitizeLine('\x1b[31mFAIL\x1b[0m\ttest\x1b[2J\x07')).toBe('FAIL  test');
    expect(sanitizeLine('\x1b]0;title\x07ok')).toBe('ok');
  });

  it('keeps the text after an OSC 8 link when a BEL comes later in the line', () => {
    expect(sanitizeLine('see \x1b]8;;https://x.test\x1b\\docs\x1b]8;;\x1b\\ then\x07 more')).toBe(
      'see docs then more',
    );
    expect(sanitizeLine('a\x1b]52;c;SGVsbG8=\x07b\u009b31mc')).toBe('abc');
  });
});
