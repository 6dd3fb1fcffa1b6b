import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { Frame, mainArea } from '../../src/components/Frame.js';
import { Header } from '../../src/components/Header.js';
import { fitKeyBar, KeyBar } from '../../src/components/KeyBar.js';
import { PhaseRail } from '../../src/components/PhaseRail.js';
import { StatusBar } from '../../src/components/StatusBar.js';
import { keyBarItems } from '../../src/keys.js';
import { PLAIN_THEME, ThemeProvider } from '../../src/terminal/theme.js';
import { colorOf, frameOf, stripAnsi, tick } from './render-helpers.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const prod = { name: 'PROD', account: '123456789012', region: 'eu-west-1', production: true };

describe('Header', () => {
  it('names the edge and shows PROD in red with its account and region', async () => {
    const frame = await frameOf(
      <Header
        runbook="bbws-promotion"
        version="v1.4.2"
        from="SIT"
        to="PROD"
        environment={prod}
        sessionId="s-7f3a"
        width={100}
      />,
    );
    const text = stripAnsi(frame);
    expect(text).toContain('bbws-promotion v1.4.2 · SIT → PROD');
    expect(text).toContain('account 123456789012 · eu-west-1');
    expect(text).toContain('session s-7f3a');
    expect(colorOf(frame, ' PROD ')).toBe('red');
  });

  it('says loudly that it is a rehearsal, with scenario and speed', async () => {
    const frame = stripAnsi(
      await frameOf(
        <Header
          runbook="bbws"
          version="v2"
          from="SIT"
          to="PROD"
          environment={prod}
          sessionId="s-1"
          rehearsal={{ scenario: 'latency-regression', speed: 60 }}
          width={100}
        />,
      ),
    );
    expect(frame).toContain('REHEARSAL latency-regression ×60');
  });
});

describe('KeyBar', () => {
  const shifted = keyBarItems({ screen: 'canary', trafficShifted: true, running: false, holdActive: true });

  it('shows the abort key in red first while traffic is shifted', async () => {
    const frame = await frameOf(<KeyBar items={shifted} width={100} />);
    expect(stripAnsi(frame).startsWith('x ABORT & ROLL BACK')).toBe(true);
    expect(colorOf(frame, 'ABORT & ROLL BACK')).toBe('red');
  });

  it('drops the least important keys on a narrow bar, never the abort key', () => {
    const fitted = fitKeyBar(shifted, 30);
    expect(fitted[0].id).toBe('abort');
    expect(fitted.length).toBeLessThan(shifted.length);
    expect(fitKeyBar(shifted, 5).map((item) => item.id)).toEqual(['abort']);
  });

  it('marks the abort key without colour too', async () => {
    const frame = await frameOf(
      <ThemeProvider theme={PLAIN_THEME}>
        <KeyBar items={shifted} width={80} />
      </ThemeProvider>,
    );
    expect(frame).not.toMatch(/\x1b\[(3\d|9\d)m/);
    expect(frame).toMatch(/\x1b\[7m(\x1b\[1m)?x/); // inverse key cap
  });
});

describe('StatusBar', () => {
  it('shows the split read from AWS, the poll age and the journal', async () => {
    const frame = stripAnsi(
      await frameOf(
        <StatusBar
          traffic={{ stableVersion: 'v41', canaryVersion: 'v42', canaryPercent: 25, readAgoMs: 4000 }}
          lastPollAgoMs={12_000}
          journalSavedAgoMs={2000}
        />,
      ),
    );
    expect(frame).toContain('traffic (AWS, 4s ago): v41 75% · v42 25%');
    expect(frame).toContain('metrics 12s ago');
    expect(frame).toContain('journal saved 2s ago');
  });

  it('warns when metrics are stale and when the journal could not be saved', async () => {
    const frame = await frameOf(<StatusBar lastPollAgoMs={300_000} journalError="disk full" />);
    expect(stripAnsi(frame)).toContain('metrics 5m ago (STALE)');
    expect(stripAnsi(frame)).toContain('journal NOT saved: disk full');
    expect(colorOf(frame, 'journal NOT saved')).toBe('red');
  });
});

describe('Frame', () => {
  const phases = Array.from({ length: 30 }, (_, i) => ({
    id: `p${i}`,
    title: `Phase ${i + 1}`,
    state: (i < 12 ? 'done' : i === 12 ? 'current' : 'todo') as 'done' | 'current' | 'todo',
    time: i < 12 ? `${i + 1}m` : undefined,
  }));
  const frameAt = (rows: number, columns: number, mainLines: number) => {
    const area = mainArea(rows, columns, true);
    return (
      <Frame
        rows={rows}
        columns={columns}
        header={<Text>header one{'\n'}header two</Text>}
        rail={<PhaseRail phases={phases} width={24} height={area.height} />}
        main={Array.from({ length: mainLines }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: fixture lines
          <Text key={i}>main line {i + 1}</Text>
        ))}
        keybar={<Text>keys</Text>}
        status={<Text>status</Text>}
      />
    );
  };

  it('never grows past the terminal, however much the main panel holds', async () => {
    for (const rows of [24, 40]) {
      const instance = render(frameAt(rows, 100, 200));
      await tick();
      const lines = stripAnsi(instance.lastFrame() ?? '').split('\n');
      expect(lines.length).toBe(rows - 1);
      expect(lines[0]).toContain('header one');
      expect(lines.at(-2)).toContain('keys');
      expect(lines.at(-1)).toContain('status');
      instance.unmount();
    }
  });

  it('keeps the current phase in view on a short rail', async () => {
    const frame = stripAnsi(await frameOf(frameAt(24, 100, 3)));
    expect(frame).toContain('▶ Phase 13');
    expect(frame).toContain('main line 3');
  });
});
