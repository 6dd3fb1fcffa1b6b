import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { nextEdges } from '../../src/core/runbook/next-edge.js';
import { Home, type HomeSession, type StartRequest } from '../../src/screens/Home.js';
import { stripAnsi, tick } from '../components/render-helpers.js';
import { runbook, T0 } from './fixtures.js';

const edges = runbook.promotions.map((p) => p.id);

function session(overrides: Partial<HomeSession>): HomeSession {
  return {
    id: '20261202-073400-3fc0',
    title: 'BBWS environment promotion: v2026.12.02.1 dev -> sit',
    status: 'promoted',
    currentStep: '',
    updatedAt: T0,
    rehearsal: true,
    runbookFile: 'runbooks/bbws.yaml',
    promotionId: 'dev-to-sit',
    version: 'v2026.12.02.1',
    ...overrides,
  };
}

function home(
  sessions: HomeSession[],
  onStart: (request: StartRequest) => string | undefined = () => undefined,
) {
  return render(
    <Home
      sessions={sessions}
      now={T0 + 60_000}
      edges={edges}
      nextEdges={nextEdges(runbook)}
      defaults={{
        runbookFile: 'runbooks/bbws.yaml',
        edge: 'dev-to-sit',
        version: 'v0',
        ticket: 'CHG-2041',
        risk: 'medium',
      }}
      rehearsal={{ scenario: 'healthy', speed: 120 }}
      onResume={() => undefined}
      onStart={onStart}
      onQuit={() => undefined}
      width={120}
      height={24}
    />,
  );
}

describe('home: the next edge after a completed one', () => {
  it('the seed runbook follows DEV -> SIT with SIT -> PROD, and PROD with nothing', () => {
    expect(nextEdges(runbook)).toEqual({ 'dev-to-sit': { edge: 'sit-to-prod', label: 'SIT -> PROD' } });
  });

  it('offers n for a promoted dev-to-sit, and n then enter starts sit-to-prod for the same version', async () => {
    const requests: StartRequest[] = [];
    const app = home([session({})], (request) => {
      requests.push(request);
      return undefined;
    });
    await tick();
    const frame = stripAnsi(app.lastFrame() ?? '');
    expect(frame).toContain('v2026.12.02.1 is promoted: n starts SIT -> PROD for it.');
    expect(frame).toMatch(/n promote v2026\.12\.02\.1 SIT -> PROD/);
    app.stdin.write('n');
    await tick();
    const form = stripAnsi(app.lastFrame() ?? '');
    expect(form).toContain('sit-to-prod');
    expect(form).toContain('v2026.12.02.1');
    app.stdin.write('\r');
    await tick();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      edge: 'sit-to-prod',
      version: 'v2026.12.02.1',
      runbookFile: 'runbooks/bbws.yaml',
      ticket: 'CHG-2041',
    });
  });

  it('offers nothing for a session that is not promoted, or whose edge is the last', async () => {
    for (const other of [
      session({ status: 'rolled-back' }),
      session({ status: 'active', currentStep: 'Apply the SIT plan' }),
      session({ promotionId: 'sit-to-prod', title: 'BBWS: v2026.12.02.1 sit -> prod' }),
    ]) {
      const requests: StartRequest[] = [];
      const app = home([other], (request) => {
        requests.push(request);
        return undefined;
      });
      await tick();
      const frame = stripAnsi(app.lastFrame() ?? '');
      expect(frame).not.toContain('n starts');
      expect(frame).not.toMatch(/\bn promote\b/);
      app.stdin.write('n');
      await tick();
      expect(stripAnsi(app.lastFrame() ?? '')).not.toContain('Start a promotion');
      app.unmount();
    }
  });

  it('follows the selected row: the offer comes with the promoted session, not with a newer failed one', async () => {
    const app = home([
      session({ id: 'newer', status: 'rolled-back', updatedAt: T0 + 1000, version: 'v2' }),
      session({ id: 'older', updatedAt: T0, version: 'v1' }),
    ]);
    await tick();
    expect(stripAnsi(app.lastFrame() ?? '')).not.toContain('n starts');
    app.stdin.write('j');
    await tick();
    expect(stripAnsi(app.lastFrame() ?? '')).toContain('v1 is promoted: n starts SIT -> PROD for it.');
  });
});
