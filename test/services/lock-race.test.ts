import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockInfo } from '../../src/services/lock.js';

// Real processes racing for one session lock. A child cannot load the TypeScript source, so the
// test bundles src/services/lock.ts into a plain module first (LOCK_RACE_SOURCE names another
// version of that file, to try the race against it by hand).
const REPO = join(import.meta.dirname, '..', '..');
const SOURCE = process.env.LOCK_RACE_SOURCE ?? join(REPO, 'src', 'services', 'lock.ts');
const RACER = join(import.meta.dirname, '..', 'fixtures', 'lock-racer.mjs');
const HOLDER = join(import.meta.dirname, '..', 'fixtures', 'crash', 'lock-holder.mjs');
const RACERS = 6;

interface Outcome {
  dir: string;
  ok: boolean;
  pid?: number;
  token?: string;
  warnings?: string[];
  message?: string;
}

interface Racer {
  child: ChildProcess;
  next(): Promise<Outcome>;
}

let work: string;
let racers: Racer[] = [];
const holders: ChildProcess[] = [];

/** A racer process; `next` resolves with its next outcome line. */
function racer(bundle: string): Promise<Racer> {
  const child = spawn(process.execPath, [RACER, bundle], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const line = async () => {
    const next = await lines.next();
    if (next.done) throw new Error(`a lock racer exited (${child.exitCode ?? child.signalCode})`);
    return next.value as string;
  };
  return line().then((ready) => {
    expect(ready).toBe('ready');
    return { child, next: async () => JSON.parse(await line()) as Outcome };
  });
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'conductor-lock-race-'));
  const bundle = join(work, 'lock.mjs');
  await build({ entryPoints: [SOURCE], bundle: true, platform: 'node', format: 'esm', outfile: bundle });
  racers = await Promise.all(Array.from({ length: RACERS }, () => racer(bundle)));
});

afterAll(() => {
  for (const child of [...racers.map((r) => r.child), ...holders]) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/**
 * Every racer asked at once to take the lock of a session whose lock `plant` has just written
 * (`how`: the rest of the racers' command, e.g. to ask for a handover): exactly one gets it, the lock
 * file names that one, the others are told who holds the session, and no file moved aside or drafted
 * during the race is left behind.
 */
async function race(rounds: number, plant: (dir: string) => unknown, how = ''): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const dir = mkdtempSync(join(work, 'session-'));
    await plant(dir);
    const outcomes = racers.map((r) => r.next());
    for (const { child } of racers) child.stdin!.write(`take ${dir}${how}\n`);
    const results = await Promise.all(outcomes);
    const winners = results.filter((r) => r.ok);
    expect(winners, `round ${round}: ${JSON.stringify(results)}`).toHaveLength(1);
    const lock = JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')) as LockInfo;
    expect(lock).toMatchObject({ pid: winners[0].pid, token: winners[0].token });
    for (const loser of results.filter((r) => !r.ok))
      expect(loser.message).toMatch(
        new RegExp(`held by conductor pid ${winners[0].pid} on this host|at the same moment`),
      );
    expect(readdirSync(dir)).toEqual(['lock.json']);
  }
}

const planted = (text: string) => (dir: string) => writeFileSync(join(dir, 'lock.json'), text);

/** A live holder (test/fixtures/crash/lock-holder.mjs) of the lock in `dir`, once it holds it. */
async function liveHolder(dir: string, behaviour: 'handover' | 'ignore'): Promise<void> {
  const child = spawn(process.execPath, [HOLDER, dir, behaviour], { stdio: ['ignore', 'pipe', 'inherit'] });
  holders.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', () => reject(new Error('the lock holder exited before it held the lock')));
  });
}

describe('session lock, raced by real processes', () => {
  it('a stale lock (a dead pid on this host) goes to exactly one of the racers', async () => {
    const pid = await deadPid();
    await race(20, planted(JSON.stringify({ pid, host: hostname(), startedAt: 1 })));
  });

  it('an unreadable lock goes to exactly one of the racers', async () => {
    await race(20, planted('{"pid": 12'));
  });

  it('racers all asking a holder that ignores them to hand over: exactly one takes the session', async () => {
    // Each waits 0.5 s for the holder: longer than any racer takes to start, so none finds the
    // winner's lock instead (it would ask that one to hand over, as resume does).
    await race(5, (dir) => liveHolder(dir, 'ignore'), ' handover 500');
  });
});
