import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import { Checklist } from '../../src/screens/Checklist.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import { created, evidence, fold, MIN, passPhasesBefore, promotion, runbook, T0 } from './fixtures.js';

const base = { runbook, promotion, width: 100, height: 20, logOffset: 0, liveOutput: [] as string[] };
const stepIndex = (id: string) => promotion.phases[0].steps.findIndex((s) => s.id === id);

function throughStep(id: string, at = T0 + MIN): SessionEvent[] {
  const events: SessionEvent[] = [created(), { type: 'phase.started', at, phase: 'pre-validation' }];
  for (const step of promotion.phases[0].steps) {
    if (step.id === id) break;
    events.push(
      { type: 'step.started', at, step: step.id, attempt: 1 },
      { type: 'step.completed', at, step: step.id, outcome: 'passed', detail: 'ok' },
    );
  }
  return events;
}

describe('Checklist', () => {
  it('asks for an evidence note on a manual item that requires one', async () => {
    const state = fold(throughStep('infrastructure-readiness'));
    const frame = stripAnsi(
      await frameOf(
        <Checklist
          {...base}
          state={state}
          now={T0 + 2 * MIN}
          selected={stepIndex('infrastructure-readiness')}
          waiting={{ kind: 'confirm', step: 'infrastructure-readiness', message: 'Confirm' }}
        />,
      ),
    );
    expect(frame).toContain('Pre-promotion validation');
    expect(frame).toContain(
      `${stepIndex('infrastructure-readiness')} of ${promotion.phases[0].steps.length} done`,
    );
    expect(frame).toContain('space: mark done (an evidence note is required');
  });

  it('shows a command that ran: exit status, duration and the parsed evidence against its limit', async () => {
    const events = throughStep('backend-tests');
    events.push(
      { type: 'step.started', at: T0 + MIN, step: 'backend-tests', attempt: 1 },
      {
        type: 'step.completed',
        at: T0 + 3 * MIN,
        step: 'backend-tests',
        outcome: 'passed',
        detail: '212 passed',
        exitCode: 0,
        durationMs: 125_000,
        evidence: [
          evidence('coverage', 85, 'coverage 85% >= 80%'),
          evidence('tests-passed', 212, '212 tests passed'),
        ],
      },
    );
    const state = fold(events);
    const frame = stripAnsi(
      await frameOf(
        <Checklist {...base} state={state} now={T0 + 4 * MIN} selected={stepIndex('backend-tests')} />,
      ),
    );
    expect(frame).toContain('$ pytest tests/ -v --cov=src --cov-report=json:coverage.json');
    expect(frame).toContain('✓ passed · exit 0 · 2m5s');
    expect(frame).toContain('✓ coverage 85% >= 80%');
  });

  it('streams a running command into a fixed pane and offers rerun once it failed', async () => {
    const events = throughStep('frontend-tests');
    events.push({ type: 'step.started', at: T0 + MIN, step: 'frontend-tests', attempt: 1 });
    const lines = Array.from({ length: 40 }, (_, i) => `PASS src/component-${i}.test.tsx`);
    const running = stripAnsi(
      await frameOf(
        <Checklist
          {...base}
          state={fold(events)}
          now={T0 + MIN + 42_000}
          selected={stepIndex('frontend-tests')}
          liveOutput={lines}
        />,
      ),
    );
    expect(running).toContain('running · 00:42');
    expect(running).toContain('PASS src/component-39.test.tsx');
    expect(running).not.toContain('PASS src/component-0.test.tsx');
    expect(running).toContain('of 40');
    expect(running.split('\n').length).toBeLessThanOrEqual(20);

    events.push({
      type: 'step.completed',
      at: T0 + 2 * MIN,
      step: 'frontend-tests',
      outcome: 'failed',
      detail: 'coverage 72% < 80%',
      exitCode: 1,
      durationMs: 60_000,
    });
    const failed = stripAnsi(
      await frameOf(
        <Checklist
          {...base}
          state={fold(events)}
          now={T0 + 3 * MIN}
          selected={stepIndex('frontend-tests')}
        />,
      ),
    );
    expect(failed).toContain('✗ FAILED');
    expect(failed).toContain('exit 1');
    expect(failed).toContain('r: run it again');
  });

  it('shows a dangerous command with its exact argv, environment and AWS account before it runs', async () => {
    const events: SessionEvent[] = [created(), ...passPhasesBefore('deploy')];
    const state = fold(events);
    const frame = stripAnsi(
      await frameOf(
        <Checklist
          {...base}
          state={state}
          now={T0 + HOUR_LATER}
          selected={0}
          waiting={{ kind: 'dangerous', step: 'terraform-apply-prod', message: 'confirm' }}
        />,
      ),
    );
    expect(frame).toContain('$ terraform apply prod.tfplan');
    expect(frame).toContain('DANGEROUS: this changes PROD');
    expect(frame).toContain('AWS_PROFILE=bbws-prod');
    expect(frame).toContain('ENVIRONMENT=prod');
    expect(frame).toContain('AWS account 093646564004 (PROD)');
  });
});

const HOUR_LATER = 60 * MIN;
