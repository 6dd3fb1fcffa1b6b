import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandGroupRecord } from '../../../src/core/session/events.js';
import {
  commandGroupRecord,
  groupRunning,
  inspectGroup,
  stopGroup,
} from '../../../src/services/commands/process-group.js';
import { runCommand } from '../../../src/services/commands/run-command.js';

/**
 * A command group left running by an engine that died is found by its journaled record, and only
 * signalled when its leader is provably the same process: a pid given to another process since is
 * never touched.
 */

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
});

/** A process leading a group of its own, the way runCommand starts a command, with a child of its own. */
function detachedGroup(): ChildProcess {
  const child = spawn('sh', ['-c', 'sleep 60 & sleep 60; wait'], { detached: true, stdio: 'ignore' });
  child.unref();
  started.push(child);
  return child;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 150));
}

describe('a command group journaled by an earlier engine', () => {
  it('is running (same leader, same start time) and is stopped with everything it started', async () => {
    const child = detachedGroup();
    await settle();
    const record = commandGroupRecord(child.pid!);
    expect(record.pgid).toBe(child.pid);
    expect(record.processStartedAt).toBeGreaterThan(Date.now() - 60_000);
    const seen = inspectGroup(record);
    expect(seen.state).toBe('running');
    expect(seen.runningForMs).toBeGreaterThanOrEqual(0);
    expect(groupRunning(record.pgid)).toBe(true);

    expect(await stopGroup(record, 2_000)).toBe(true);
    expect(groupRunning(record.pgid)).toBe(false);
    expect(inspectGroup(record).state).toBe('gone');
  });

  it('a reused pid (another start time) is not ours: inspected as reused and never signalled', async () => {
    const child = detachedGroup();
    await settle();
    const pid = child.pid!;
    // The journal says pid N started an hour ago; the process holding pid N now started just now.
    const journaled: CommandGroupRecord = {
      ...commandGroupRecord(pid),
      processStartedAt: (commandGroupRecord(pid).processStartedAt ?? Date.now()) - 3_600_000,
    };
    expect(inspectGroup(journaled).state).toBe('reused');
    expect(await stopGroup(journaled, 200)).toBe(false);
    await settle();
    expect(alive(pid)).toBe(true);
    expect(groupRunning(pid)).toBe(true);
  });

  it('one journaled on another host is not looked for here, nor signalled', async () => {
    const child = detachedGroup();
    await settle();
    const elsewhere = { ...commandGroupRecord(child.pid!), host: 'another-jump-host' };
    expect(inspectGroup(elsewhere).state).toBe('elsewhere');
    expect(await stopGroup(elsewhere, 200)).toBe(false);
    expect(alive(child.pid!)).toBe(true);
  });

  it('one whose process has ended is gone', async () => {
    const child = spawn('true', [], { detached: true, stdio: 'ignore' });
    const record = commandGroupRecord(child.pid!);
    await new Promise((resolve) => child.once('exit', resolve));
    expect(inspectGroup(record).state).toBe('gone');
  });
});

describe('runCommand says who it started, before any output', () => {
  it('hands over the group record as the process starts; the group is running while the command runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conductor-group-'));
    const records: CommandGroupRecord[] = [];
    let linesBeforeStart = -1;
    const lines: string[] = [];
    const seenWhileRunning: string[] = [];
    const result = await runCommand({
      argv: [process.execPath, '-e', "console.log('first'); setTimeout(() => {}, 300)"],
      shell: false,
      env: {},
      timeoutMs: 10_000,
      logFile: join(dir, 'log'),
      onStart: (record) => {
        records.push(record);
        linesBeforeStart = lines.length;
        seenWhileRunning.push(inspectGroup(record).state);
      },
      onLine: (line) => lines.push(line),
    });
    expect(result.exitCode).toBe(0);
    expect(records).toHaveLength(1);
    expect(linesBeforeStart).toBe(0);
    expect(seenWhileRunning).toEqual(['running']);
    expect(records[0]?.pgid).toBe(records[0]?.pid);
    expect(inspectGroup(records[0]!).state).toBe('gone');
  });

  it('stops the command when its start cannot be recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conductor-group-'));
    const result = await runCommand({
      argv: ['sleep', '30'],
      shell: false,
      env: {},
      timeoutMs: 20_000,
      killGraceMs: 500,
      logFile: join(dir, 'log'),
      onStart: () => {
        throw new Error('the journal refused the line');
      },
    });
    expect(result.canceled).toBe(true);
    expect(result.durationMs).toBeLessThan(5_000);
  });
});
