import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionState } from '../src/core/session/state.js';
import type { SessionView } from '../src/engine/session-view.js';
import { reportFilesIn, useReportFiles } from '../src/use-report-files.js';
import { eventually } from './support/eventually.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function folder(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-files-'));
  dirs.push(dir);
  for (const file of files) writeFileSync(join(dir, file), '');
  return dir;
}

/** The part of a session the hook reads: its status, its folder, its listeners. */
function fakeSession(dir: string) {
  const listeners = new Set<(state: SessionState) => void>();
  const session = {
    state: { status: 'active' } as SessionState,
    dir,
    subscribe(listener: (state: SessionState) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const change = (status: SessionState['status']) => {
    session.state = { ...session.state, status };
    for (const listener of listeners) listener(session.state);
  };
  return { view: session as unknown as SessionView, change };
}

function Files({ conductor }: { conductor: SessionView }) {
  const files = useReportFiles(conductor);
  return <Text>{files === undefined ? 'none' : `[${files.join(',')}]`}</Text>;
}

describe('the report files of a finished session', () => {
  it('are the reports in its folder, nothing else of it', () => {
    const dir = folder(['journal.jsonl', 'report.md', 'credentials.json', 'approval-record.txt']);
    expect(reportFilesIn(dir)).toEqual(['approval-record.txt', 'report.md']);
    expect(reportFilesIn(join(dir, 'gone'))).toBeUndefined();
  });

  it('are read when the session ends, and again when the engine says it wrote them', async () => {
    const dir = folder([]);
    const { view, change } = fakeSession(dir);
    const app = render(<Files conductor={view} />);
    try {
      expect(app.lastFrame()).toBe('none');
      change('completed');
      expect(await eventually(() => app.lastFrame() === '[]')).toBe(true);
      writeFileSync(join(dir, 'report.md'), '');
      change('completed');
      expect(await eventually(() => app.lastFrame() === '[report.md]')).toBe(true);
    } finally {
      app.unmount();
    }
  });

  it('are read at once for a session already over', async () => {
    const { view, change } = fakeSession(folder(['report.json']));
    change('completed');
    const app = render(<Files conductor={view} />);
    try {
      expect(await eventually(() => app.lastFrame() === '[report.json]')).toBe(true);
    } finally {
      app.unmount();
    }
  });
});
