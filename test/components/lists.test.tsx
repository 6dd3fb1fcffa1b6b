import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { CommandLog, visibleWindow } from '../../src/components/CommandLog.js';
import { StageStrip } from '../../src/components/StageStrip.js';
import { columnWidths, Table } from '../../src/components/Table.js';
import { TrafficSplit } from '../../src/components/TrafficSplit.js';
import { colorOf, frameOf, stripAnsi, tick } from './render-helpers.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const output = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`);

describe('CommandLog', () => {
  it('follows the newest output in a fixed number of rows', async () => {
    const frame = stripAnsi(
      await frameOf(<CommandLog lines={output} height={6} width={60} scrollOffset={0} />),
    );
    const rows = frame.split('\n');
    expect(rows).toHaveLength(6);
    expect(rows.slice(0, 5)).toEqual(['line 46', 'line 47', 'line 48', 'line 49', 'line 50']);
    expect(rows[5]).toBe('lines 46-50 of 50');
  });

  it('shows the right window after scrolling back, and stops at the top', async () => {
    const instance = render(<CommandLog lines={output} height={6} width={60} scrollOffset={10} />);
    await tick();
    let rows = stripAnsi(instance.lastFrame() ?? '').split('\n');
    expect(rows[0]).toBe('line 36');
    expect(rows[4]).toBe('line 40');
    expect(rows[5]).toContain('10 newer below');
    instance.rerender(<CommandLog lines={output} height={6} width={60} scrollOffset={999} />);
    await tick();
    rows = stripAnsi(instance.lastFrame() ?? '').split('\n');
    expect(rows[0]).toBe('line 1');
    instance.unmount();
  });

  it('keeps its height with little output and with none', async () => {
    const short = stripAnsi(
      await frameOf(<CommandLog lines={['only']} height={4} width={40} scrollOffset={0} />),
    );
    expect(short.split('\n')).toHaveLength(4);
    const none = stripAnsi(await frameOf(<CommandLog lines={[]} height={4} width={40} scrollOffset={3} />));
    expect(none.split('\n')).toHaveLength(4);
    expect(none).toContain('no output yet');
  });

  it('cuts long lines and strips escape sequences from the output', async () => {
    const frame = stripAnsi(
      await frameOf(
        <CommandLog
          lines={[`\x1b[2J${'x'.repeat(200)}`, '\x1b[32mok\x1b[0m']}
          height={3}
          width={40}
          scrollOffset={0}
        />,
      ),
    );
    const rows = frame.split('\n');
    expect(rows[0].length).toBeLessThanOrEqual(40);
    expect(rows[1]).toBe('ok');
    expect(visibleWindow(10, 4, -3)).toEqual({ start: 6, end: 10 });
  });
});

describe('Table', () => {
  const columns = [
    { key: 'input', title: 'Input' },
    { key: 'value', title: 'Value', width: 10, align: 'right' as const },
    { key: 'verdict', title: 'Verdict', width: 9 },
  ];
  const rows = [
    { input: 'Unit test coverage', value: '85%', verdict: { text: '✓ PASS', tone: 'ok' as const } },
    {
      input: 'Open P1 incidents in the service catalogue for this release',
      value: '1',
      verdict: { text: '✗ NO-GO', tone: 'danger' as const, bold: true },
    },
  ];

  it('aligns columns, cuts long cells with an ellipsis and colours verdicts', async () => {
    const frame = await frameOf(<Table columns={columns} rows={rows} width={60} maxRows={5} />);
    const lines = stripAnsi(frame).split('\n');
    expect(lines[0]).toMatch(/^Input\s+Value Verdict/);
    expect(lines[1]).toContain('Unit test coverage');
    expect(lines[1]).toContain('       85% ✓ PASS');
    expect(lines[2]).toContain(`${rows[1].input.slice(0, 38)}… `);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    expect(colorOf(frame, '✗ NO-GO')).toBe('red');
    expect(columnWidths(columns, 60)).toEqual([39, 10, 9]);
  });

  it('windows long tables around the selection', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({
      input: `item ${i + 1}`,
      value: `${i}`,
      verdict: '',
    }));
    const frame = stripAnsi(
      await frameOf(<Table columns={columns} rows={many} width={60} maxRows={5} selected={12} />),
    );
    expect(frame).toContain('item 13');
    expect(frame).not.toContain('item 1 ');
    expect(frame).toContain('↑ 8 more ↓ 7 more');
  });
});

describe('StageStrip and TrafficSplit', () => {
  it('shows the stages, the current one, and the time left in the hold', async () => {
    const frame = stripAnsi(
      await frameOf(
        <StageStrip
          stages={[
            { percent: 10, state: 'done' },
            { percent: 25, state: 'current' },
            { percent: 50, state: 'todo' },
            { percent: 100, state: 'todo' },
          ]}
          remainingMs={462_000}
        />,
      ),
    );
    expect(frame).toContain('10% ✓ → [25%] → 50% → 100%');
    expect(frame).toContain('hold 07:42 left');
  });

  it('draws the live split and warns on drift from the journal', async () => {
    const frame = stripAnsi(
      await frameOf(
        <TrafficSplit
          stableVersion="v41"
          canaryVersion="v42"
          canaryPercent={25}
          expectedPercent={10}
          width={60}
        />,
      ),
    );
    const [bar, drift] = frame.split('\n');
    expect(bar.startsWith('stable v41 75% ')).toBe(true);
    expect(bar.endsWith(' 25% canary v42')).toBe(true);
    expect(bar.length).toBe(60);
    const cells = bar.length - 'stable v41 75% '.length - ' 25% canary v42'.length;
    expect(bar.split('░').length - 1).toBe(Math.round(cells / 4));
    expect(drift).toContain('journal expected 10%');
  });
});
