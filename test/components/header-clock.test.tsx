import { describe, expect, it } from 'vitest';
import { Header } from '../../src/components/Header.js';
import { frameOf, stripAnsi } from './render-helpers.js';

const prod = { name: 'PROD', account: '093646564004', region: 'af-south-1', production: true };
const props = {
  runbook: 'BBWS environment promotion (DEV -> SIT -> PROD)',
  version: 'v2026.11.29.1',
  from: 'SIT',
  to: 'PROD',
  environment: prod,
  sessionId: '20261129-153600-5e4c',
};

describe('Header: the session clock', () => {
  it("shows the session's now in UTC, the zone windows are written in", async () => {
    const frame = stripAnsi(
      await frameOf(<Header {...props} now={Date.UTC(2026, 10, 29, 20, 14, 5)} width={120} />),
    );
    expect(frame).toContain('20:14:05 UTC');
    expect(frame).toContain('session 20261129-153600-5e4c');
  });

  it("shows a rehearsal's accelerated clock, not the wall clock", async () => {
    // Two simulated hours after the start of a rehearsal at x600.
    const now = Date.UTC(2026, 10, 29, 15, 36) + 2 * 3_600_000;
    const frame = stripAnsi(
      await frameOf(
        <Header {...props} rehearsal={{ scenario: 'healthy', speed: 600 }} now={now} width={100} />,
      ),
    );
    expect(frame).toContain('REHEARSAL healthy ×600');
    expect(frame).toContain('17:36:00 UTC');
  });

  it('keeps the clock on an 80-column terminal, truncating the session line before it', async () => {
    const frame = stripAnsi(
      await frameOf(<Header {...props} now={Date.UTC(2026, 10, 29, 1, 2, 3)} width={80} />),
    );
    const second = frame.split('\n')[1] ?? '';
    expect(second.trimEnd().endsWith('01:02:03 UTC')).toBe(true);
    expect(second.length).toBeLessThanOrEqual(80);
    expect(second).toContain(' PROD  account 093646564004');
  });

  it('shows no clock when none is given', async () => {
    const frame = stripAnsi(await frameOf(<Header {...props} width={120} />));
    expect(frame).not.toContain('UTC');
  });
});
