import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import { Rollback } from '../../src/screens/Rollback.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import { canaryEvents, fold, HOUR, MIN, promotion, runbook, split, T0 } from './fixtures.js';

const ABORT = T0 + 3 * HOUR + 4 * MIN;
const SUMMARY =
  'Rolled back v42 on PROD (automatic: rollback band held for 3 samples in a row: error rate 7.1% > 5% on bbws-prod-api); traffic reverted in 18 ms and verified by reading it back.';

function finishedRollback(): SessionEvent[] {
  return [
    ...canaryEvents(T0 + 3 * HOUR),
    {
      type: 'rollback.started',
      at: ABORT,
      trigger: 'automatic',
      reason: 'automatic: rollback band held for 3 samples in a row',
      by: 'conductor',
    },
    {
      type: 'rollback.traffic-reverted',
      at: ABORT + 1_000,
      split: split(0, ABORT + 1_000),
      verified: true,
      durationMs: 18,
    },
    { type: 'rollback.completed', at: ABORT + 9_000, verified: true, summary: SUMMARY },
    { type: 'session.completed', at: ABORT + 9_000, outcome: 'rolled-back', summary: 'Rolled back.' },
  ];
}

describe('Rollback: the summary is a reason, said whole', () => {
  it('wraps the summary at 80 columns and still shows the report files below it', async () => {
    const height = 19;
    const frame = stripAnsi(
      await frameOf(
        <Rollback
          runbook={runbook}
          promotion={promotion}
          width={80}
          height={height}
          state={fold(finishedRollback())}
          now={ABORT + 10_000}
          files={['approval-record.txt', 'report.md']}
        />,
      ),
    );
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(height);
    expect(frame.replace(/\s+/g, ' ')).toContain(`i ${SUMMARY}`);
    // The last thing drawn is still there: the summary's extra rows came out of the table.
    expect(lines.filter((line) => line.trim() !== '').at(-1)).toContain(
      'report files: approval-record.txt, report.md',
    );
  });
});

describe('Rollback: a command the previous engine left running', () => {
  it('is shown on its row as waited for, with why', async () => {
    const events: SessionEvent[] = [
      ...finishedRollback().slice(0, -2),
      ...['prod-rollback-health', 'prod-rollback-products'].map(
        (step): SessionEvent => ({
          type: 'rollback.step',
          at: ABORT + 2_000,
          step,
          outcome: 'passed',
          detail: '200',
        }),
      ),
    ];
    const message =
      '`aws s3 ls` of the rollback from the previous engine is still running (pid 4242): waiting for it to end before it runs again.';
    const frame = stripAnsi(
      await frameOf(
        <Rollback
          runbook={runbook}
          promotion={promotion}
          width={160}
          height={30}
          state={fold(events)}
          now={ABORT + 10_000}
          files={[]}
          waiting={{ step: 'prod-rollback-backups', kind: 'orphan', message }}
        />,
      ),
    );
    expect(frame).toMatch(/! waiting +Confirm database consistency/);
    expect(frame.replace(/\s+/g, ' ')).toContain(message);
    // Nothing after it is marked as running.
    expect(frame.match(/▶ running/g) ?? []).toHaveLength(0);
  });
});
