import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useConductorHome, waitForCanaryStage } from './flows.js';
import {
  BIN,
  conductorEnv,
  enginePid,
  type JournalEvent,
  keyBytes,
  processAlive,
  REPO,
  type TerminalSession,
} from './terminal.js';

/** The events of session `id` (two sessions live in this home, so the one-session helpers do not apply). */
function journalOf(home: string, id: string): JournalEvent[] {
  const events: JournalEvent[] = [];
  for (const line of readFileSync(join(home, 'sessions', id, 'journal.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push((JSON.parse(line) as { event: JournalEvent }).event);
    } catch {
      // the writer may be mid-line
    }
  }
  return events;
}

const attachedBy = (home: string, id: string, pid: number) =>
  journalOf(home, id).filter((e) => e.type === 'session.attached' && e.pid === pid);

/** The id the session header shows ("... · session 20261129-153600-5e4c"). */
async function sessionIdOf(app: TerminalSession): Promise<string> {
  const screen = await app.waitForText(/session \d{8}-\d{6}-\w+/, 20_000);
  return /session (\d{8}-\d{6}-\w+)/.exec(screen)![1];
}

/** q, then enter on "Leave it like that?": the screen exits and the engine guards alone. */
async function detach(app: TerminalSession): Promise<void> {
  await app.press('q');
  await app.waitForText('Leave it like that?', 10_000);
  await app.press('enter');
  expect((await app.waitForExit(20_000)).exitCode).toBe(0);
  await app.waitForText('is guarded by conductor engine pid', 10_000);
}

describe('conductor resume without an id, with two sessions that have traffic shifted and detached', () => {
  const e2e = useConductorHome();
  const ids: string[] = [];
  const engines = new Map<string, number | undefined>();

  beforeAll(async () => {
    const { home } = e2e;
    // Two canaries at once, each left guarded by its engine with the prompt back (as leaving.test does).
    const first = e2e.startRehearsal({ autopilot: true, speed: 60 });
    const second = e2e.startRehearsal({ autopilot: true, speed: 60 });
    await Promise.all([
      waitForCanaryStage(first, 10, { timeoutMs: 180_000 }),
      waitForCanaryStage(second, 10, { timeoutMs: 180_000 }),
    ]);
    ids.push(await sessionIdOf(first), await sessionIdOf(second));
    expect(ids[0]).not.toBe(ids[1]);
    for (const id of ids) engines.set(id, enginePid(join(home, 'sessions', id)));
    await Promise.all([detach(first), detach(second)]);
    for (const id of ids) {
      await first.waitFor(
        () => journalOf(home, id).find((e) => e.type === 'session.detached' && e.mode === 'guard'),
        20_000,
        `session.detached mode guard in ${id}`,
      );
      expect(processAlive(engines.get(id))).toBe(true);
    }
  }, 300_000);

  it('without a terminal it resumes nothing and exits 2 with both sessions listed', () => {
    const { home } = e2e;
    const result = spawnSync(process.execPath, [BIN, 'resume'], {
      cwd: REPO,
      env: conductorEnv(home),
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Several sessions have traffic shifted or an engine guarding them/);
    for (const id of ids) {
      expect(result.stderr).toContain(`conductor resume ${id}`);
      expect(result.stderr).toMatch(new RegExp(`${id} .*\\(active, traffic shifted, engine guarding\\)`));
    }
    expect(result.stderr).not.toContain('\x1b[');

    // `conductor sessions` says the same of them, in the same words.
    const sessions = spawnSync(process.execPath, [BIN, 'sessions'], {
      cwd: REPO,
      env: conductorEnv(home),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(sessions.status).toBe(0);
    for (const id of ids)
      expect(sessions.stdout).toMatch(
        new RegExp(`^${id} .*traffic shifted, engine guarding  \\[engine pid`, 'm'),
      );
    const json = spawnSync(process.execPath, [BIN, 'sessions', '--json'], {
      cwd: REPO,
      env: conductorEnv(home),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const listed = JSON.parse(json.stdout) as Array<{
      id: string;
      trafficShifted: boolean;
      engine: { mode: string } | null;
    }>;
    for (const id of ids)
      expect(listed.find((row) => row.id === id)).toMatchObject({
        trafficShifted: true,
        engine: { mode: 'guard' },
      });
  }, 60_000);

  it('on a terminal it asks; esc resumes nothing and exits 2', async () => {
    const { home } = e2e;
    const app = e2e.start(['resume']);
    const screen = await app.waitForText('which one do you want to resume?', 30_000);
    app.show('the resume picker');
    for (const id of ids)
      expect(screen).toMatch(new RegExp(`${id} {2}active {2}traffic shifted, engine guarding`));
    expect(screen).toContain('esc/q cancel (nothing resumed)');
    await app.press('escape');
    expect((await app.waitForExit(20_000)).exitCode).toBe(2);
    expect(app.onAltScreen).toBe(false);
    await app.waitForText('Nothing resumed', 10_000);
    for (const id of ids) {
      expect(attachedBy(home, id, app.pid)).toEqual([]);
      expect(processAlive(engines.get(id))).toBe(true);
    }
  }, 60_000);

  it('choosing the second row (down and enter in one chunk) attaches to that session', async () => {
    const { home } = e2e;
    const app = e2e.start(['resume']);
    const screen = await app.waitForText('which one do you want to resume?', 30_000);
    // Both are equally urgent: the rows are ordered by the latest update, so read the order off the screen.
    const rows = ids.map((id) => ({ id, at: screen.indexOf(id) })).sort((a, b) => a.at - b.at);
    expect(rows.every((row) => row.at >= 0)).toBe(true);
    expect(screen).toContain(`▸ ${rows[0].id}`);
    const [other, chosen] = rows.map((row) => row.id);

    await app.type(`${keyBytes('down')}${keyBytes('enter')}`);
    await app.waitForText([/ABORT & ROLL BACK/, `session ${chosen}`], 60_000);
    app.show('attached to the second session');
    await app.waitFor(
      () => attachedBy(home, chosen, app.pid)[0],
      20_000,
      `session.attached of the resuming terminal in ${chosen}`,
    );
    // The engine that guarded it drives on: no takeover, no new engine; the other session is untouched.
    expect(enginePid(join(home, 'sessions', chosen))).toBe(engines.get(chosen));
    expect(journalOf(home, chosen).filter((e) => e.type === 'session.resumed')).toEqual([]);
    expect(attachedBy(home, other, app.pid)).toEqual([]);
    expect(processAlive(engines.get(other))).toBe(true);
    expect(app.isAlive()).toBe(true);
  }, 120_000);
});
