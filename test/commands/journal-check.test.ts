import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/services/store/journal.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { writeFixtureSession } from '../services/report/fixture-session.js';

// Runs the built CLI (`npm run build` first, as `npm test` does) on a real hash-chained journal.
const bin = new URL('../../bin/conductor.js', import.meta.url).pathname;

function conductor(home: string, ...args: string[]) {
  return spawnSync('node', [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CONDUCTOR_HOME: home, TZ: 'UTC' },
    timeout: 30_000,
  });
}

/** Flip one bit of one byte in the middle of line `line` (1-based), as a bad disk sector would. */
function flipByte(journal: string, line: number): void {
  const bytes = readFileSync(journal);
  let start = 0;
  for (let n = 1; n < line; n++) start = bytes.indexOf(0x0a, start) + 1;
  const end = bytes.indexOf(0x0a, start);
  const at = start + Math.floor((end - start) / 2);
  bytes[at] ^= 0x01;
  writeFileSync(journal, bytes);
}

function damagedCopies(journal: string): string[] {
  const dir = join(journal, '..');
  return readdirSync(dir)
    .filter((f) => f.startsWith('journal.jsonl.damaged-'))
    .map((f) => join(dir, f));
}

describe('the journal is checked wherever it is read', () => {
  it('status and sessions say so when one byte mid-journal is flipped', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const total = readJournal(session.journal).events.length;
    flipByte(session.journal, 20);

    const status = conductor(session.home, 'status', session.id);
    expect(status.status).toBe(1);
    expect(status.stdout).toMatch(/^JOURNAL DAMAGED: chain broken at line 20: /);
    expect(status.stdout).toContain('the 19 events before line 20');
    expect(status.stdout).toMatch(/status: +\w+ .*\(before the break\)/);
    expect(status.stderr).toContain(`conductor repair ${session.id}`);

    const json = conductor(session.home, 'status', session.id, '--json');
    expect(json.status).toBe(1);
    const data = JSON.parse(json.stdout);
    expect(data.journal).toMatchObject({ ok: false, events: 19, broken: { line: 20 } });

    const list = conductor(session.home, 'sessions');
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${session.id} .*DAMAGED \\(chain broken at line 20: `, 'm'));
    const rows = JSON.parse(conductor(session.home, 'sessions', '--json').stdout);
    expect(rows[0].journal).toMatchObject({ ok: false, events: 19, broken: { line: 20 } });
    expect(total).toBeGreaterThan(20);

    // resume says the same before any engine takes the session up.
    const resume = conductor(session.home, 'resume', session.id);
    expect(resume.status).toBe(1);
    expect(resume.stderr).toMatch(
      /^conductor: The journal of session \S+ does not verify: chain broken at line 20: /,
    );
    expect(resume.stderr).toContain(`\`conductor repair ${session.id}\``);
  });

  it('a healthy journal is said to verify by status and sessions', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const n = readJournal(session.journal).events.length;
    const status = conductor(session.home, 'status', session.id);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain(`journal:   chain verified: ${n} events`);
    const data = JSON.parse(conductor(session.home, 'status', session.id, '--json').stdout);
    expect(data.journal).toEqual({ ok: true, events: n, message: `chain verified: ${n} events` });
    const list = conductor(session.home, 'sessions');
    expect(list.stdout).not.toContain('DAMAGED');
  });

  it('repair keeps the verified prefix, saves the rest beside it, journals the cut; status is ok again', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const original = readFileSync(session.journal);
    flipByte(session.journal, 20);
    const damaged = readFileSync(session.journal);

    const repair = conductor(session.home, 'repair', session.id);
    expect(repair.stderr).toBe('');
    expect(repair.status).toBe(0);
    expect(repair.stdout).toContain(`Repaired session ${session.id}: chain broken at line 20: `);
    expect(repair.stdout).toContain('Kept 19 events');

    const read = readJournal(session.journal);
    expect(read.broken).toBeUndefined();
    expect(read.tornTail).toBeUndefined();
    expect(read.events).toHaveLength(20);
    const last = read.events.at(-1);
    expect(last).toMatchObject({ type: 'journal.repaired', reason: 'broken', line: 20, keptEvents: 19 });
    // The verified lines are kept byte for byte.
    const prefixEnd = nthNewline(original, 19);
    expect(readFileSync(session.journal).subarray(0, prefixEnd)).toEqual(original.subarray(0, prefixEnd));

    const [copy] = damagedCopies(session.journal);
    expect(copy).toBeDefined();
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(readFileSync(copy)).toEqual(damaged.subarray(prefixEnd));
    expect(last).toMatchObject({ savedAs: copy, removedBytes: damaged.length - prefixEnd });

    const status = conductor(session.home, 'status', session.id);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('journal:   chain verified: 20 events');
    expect(status.stdout).toMatch(/repaired by .* \(chain broke at line 20: .*\): kept 19 events/);
    expect(conductor(session.home, 'sessions').stdout).not.toContain('DAMAGED');

    const report = conductor(session.home, 'report', session.id);
    expect(report.status).toBe(0);
    expect(report.stdout).toContain('Hash chain verified: 20 events');
    expect(report.stdout).toMatch(/`conductor repair` by .*: the chain broke at line 20/);

    // Resumable: the store opens it for appending (what an engine does on resume).
    const opened = new SessionStore(session.home).open(session.id);
    expect(opened.read.events).toHaveLength(20);
    opened.writer.append({ type: 'warning', at: Date.now(), message: 'resumed after repair' });
    opened.writer.close();
    expect(readJournal(session.journal).broken).toBeUndefined();

    const again = conductor(session.home, 'repair', session.id);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(
      /^conductor: The journal of session \S+ verifies \(chain verified: 21 events\): there is nothing to repair\.\n$/,
    );
  });

  it('garbage appended after a kill: status refuses to pass it, repair gets the session back', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const n = readJournal(session.journal).events.length;
    appendFileSync(session.journal, 'garbage\n\0\0\0more garbage\n');
    const status = conductor(session.home, 'status', session.id);
    expect(status.status).toBe(1);
    expect(status.stdout).toContain(`chain broken at line ${n + 1}: the line is not JSON`);
    const repair = conductor(session.home, 'repair', session.id);
    expect(repair.status).toBe(0);
    expect(readFileSync(damagedCopies(session.journal)[0], 'utf8')).toBe('garbage\n\0\0\0more garbage\n');
    expect(conductor(session.home, 'status', session.id).status).toBe(0);
  });

  it('a torn tail is mentioned by status and the report, and still after a resume cut it', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const n = readJournal(session.journal).events.length;
    appendFileSync(session.journal, '{"seq":999,"prev":"ab');

    const status = conductor(session.home, 'status', session.id);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain(
      `journal:   chain verified: ${n} events; torn last line (line ${n + 1}) ignored`,
    );
    const json = JSON.parse(conductor(session.home, 'status', session.id, '--json').stdout);
    expect(json.journal).toMatchObject({ ok: true, events: n, tornTail: { line: n + 1, dropped: true } });
    expect(conductor(session.home, 'sessions').stdout).toContain(`torn last line (line ${n + 1}) ignored`);
    const report = conductor(session.home, 'report', session.id);
    expect(report.status).toBe(0);
    expect(report.stdout).toMatch(
      new RegExp(
        `Hash chain verified: ${n} events, hash chain verified \\(last \\w+\\); torn last line \\(line ${n + 1}\\) ignored`,
      ),
    );

    // A resume cuts the torn line (saved beside) and journals the cut.
    const opened = new SessionStore(session.home).open(session.id);
    expect(opened.read.events.at(-1)).toMatchObject({
      type: 'journal.repaired',
      reason: 'torn-tail',
      line: n + 1,
    });
    opened.writer.close();
    expect(readFileSync(damagedCopies(session.journal)[0], 'utf8')).toBe('{"seq":999,"prev":"ab');
    const after = conductor(session.home, 'status', session.id);
    expect(after.status).toBe(0);
    expect(after.stdout).toContain(`journal:   chain verified: ${n + 1} events`);
    expect(after.stdout).toContain(`torn last line (line ${n + 1}) cut on resume`);
    const afterReport = conductor(session.home, 'report', session.id);
    expect(afterReport.stdout).toMatch(
      new RegExp(`resume: torn last line \\(line ${n + 1}\\) left by a crash`),
    );
  });

  it('repair refuses an unknown session, a healthy journal and a session an engine holds', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const unknown = conductor(session.home, 'repair', '20990101-000000-ffff');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      'conductor: No session 20990101-000000-ffff: `conductor sessions` lists them.\n',
    );

    const healthy = conductor(session.home, 'repair', session.id);
    expect(healthy.status).toBe(2);
    expect(healthy.stderr).toMatch(/there is nothing to repair\.\n$/);

    flipByte(session.journal, 20);
    const before = readFileSync(session.journal);
    // This test process stands for a live engine holding the session.
    writeFileSync(
      join(session.store.dir(session.id), 'lock.json'),
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: Date.now(), token: 't' }),
    );
    const held = conductor(session.home, 'repair', session.id);
    expect(held.status).toBe(2);
    expect(held.stderr).toMatch(
      new RegExp(`^conductor: An engine \\(pid ${process.pid} on .*\\) holds session `),
    );
    expect(readFileSync(session.journal)).toEqual(before);
    expect(damagedCopies(session.journal)).toEqual([]);
  });
});

function nthNewline(bytes: Buffer, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) at = bytes.indexOf(0x0a, at) + 1;
  return at;
}
