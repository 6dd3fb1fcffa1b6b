import { describe, expect, it } from 'vitest';
import { Header } from '../../src/components/Header.js';
import { frameOf, stripAnsi } from './render-helpers.js';

const props = {
  runbook: 'Orders release (TEST -> PROD)',
  version: 'v2027.03.05.1',
  from: 'TEST',
  to: 'PROD',
  environment: { name: 'PROD', account: '123456789012', region: 'eu-west-1', production: true },
  sessionId: '20270305-120000-ab12',
  rehearsal: { scenario: 'healthy', speed: 300 },
  autopilot: true,
};

describe('Header: a rehearsal answered by the AWS CLI stand-in', () => {
  it('says "aws stand-in" beside the REHEARSAL badge, on an 80-column terminal too', async () => {
    for (const width of [120, 80]) {
      const first = stripAnsi(await frameOf(<Header {...props} awsStandin width={width} />)).split('\n')[0];
      expect(first).toContain('REHEARSAL healthy ×300 AUTOPILOT aws stand-in');
      expect(first).toContain('v2027.03.05.1');
    }
  });

  it('says nothing of it when the emulators answer', async () => {
    const frame = stripAnsi(await frameOf(<Header {...props} width={120} />));
    expect(frame).toContain('REHEARSAL healthy ×300 AUTOPILOT');
    expect(frame).not.toContain('stand-in');
  });
});
