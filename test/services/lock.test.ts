import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { acquireLock, type LockInfo } from '../../src/services/lock.js';

const HOLDER = join(import.meta.dirname, '..', 'fixtures', 'crash', 'lock-holder.mjs');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function sessionDir(): string {
  return mkdtempSync(join(tmpdir(), 'conductor-lock-'));
}

const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')) as LockInfo;

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A real process holding the lock; resolves once it has written it. */
async function holder(dir: string, behaviour: 'handover' | 'ignore') {
  const child = spawn(process.execPath, [HOLDER, dir, behaviour], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('holding')) resolve();
    });
    child.once('exit', () => reject(new Error('the lock holder exited before it held the lock')));
  });
  return { child, output: () => output };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await exited(child);
  return child.pid!;
}

describe('session lock', () => {
  it('is taken when free, names its holder, and is removed on release', async () => {
    const dir = sessionDir();
    const lock = await acquireLock(dir);
    expect(lockOf(dir)).toMatchObject({ pid: process.pid, host: hostname() });
    expect(lock.warnings).toEqual([]);
    lock.release();
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
  });

  it('takes over a stale lock (a dead pid on this host) with a warning', async () => {
    const dir = sessionDir();
    const pid = await deadPid();
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid, host: hostname(), startedAt: 1 }));
    const lock = await acquireLock(dir);
    expect(lock.warnings).toEqual([
      `Took over a stale lock: conductor pid ${pid} on ${hostname()} is no longer running.`,
    ]);
    expect(lock.tookOverFrom?.pid).toBe(pid);
    expect(lockOf(dir).pid).toBe(process.pid);
  });

  it('replaces an unreadable lock with a warning', async () => {
    const dir = sessionDir();
    writeFileSync(join(dir, 'lock.json'), '{"pid": 12');
    const lock = await acquireLock(dir);
    expect(lock.warnings).toEqual(['The session lock was unreadable; it was replaced.']);
    expect(lockOf(dir).pid).toBe(process.pid);
  });

  it('replaces a lock that names no holder as unreadable', async () => {
    for (const text of ['null', '{}', '{"pid": "12", "host": 3}']) {
      const dir = sessionDir();
      writeFileSync(join(dir, 'lock.json'), text);
      const lock = await acquireLock(dir);
      expect(lock.warnings).toEqual(['The session lock was unreadable; it was replaced.']);
      expect(lockOf(dir).token).toBe(lock.info.token);
    }
  });

  it('writes the lock whole, readable by its owner only, and leaves no other file behind', async () => {
    const dir = sessionDir();
    const pid = await deadPid();
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid, host: hostname(), startedAt: 1 }));
    const lock = await acquireLock(dir);
    expect(readdirSync(dir)).toEqual(['lock.json']);
    expect(statSync(join(dir, 'lock.json')).mode & 0o777).toBe(0o600);
    expect(lockOf(dir)).toEqual(lock.info);
    expect(lock.stillHeld()).toBe(true);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a live lock without handover, naming the holding pid, and leaves it alone', async () => {
    const dir = sessionDir();
    const { child } = await holder(dir, 'handover');
    const attempt = acquireLock(dir);
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(`held by conductor pid ${child.pid} on this host`);
    expect(lockOf(dir).pid).toBe(child.pid);
    expect(child.exitCode).toBeNull();
  });

  it('refuses a lock held on another host, naming the host and the pid', async () => {
    const dir = sessionDir();
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid: 4242, host: 'bastion-2', startedAt: 1 }));
    await expect(acquireLock(dir, { handover: true })).rejects.toThrow(
      /held by conductor pid 4242 on host bastion-2/,
    );
  });

  it('asks a live holder to hand over (SIGUSR2), and takes the lock when it lets go', async () => {
    const dir = sessionDir();
    const { child, output } = await holder(dir, 'handover');
    const lock = await acquireLock(dir, { handover: true });
    expect(await exited(child)).toBe(0);
    expect(output()).toContain('handing over');
    expect(lock.warnings).toEqual([`Conductor pid ${child.pid} handed the session over.`]);
    expect(lock.tookOverFrom?.pid).toBe(child.pid);
    expect(lockOf(dir).pid).toBe(process.pid);
  });

  it('takes the lock from a holder that ignores the handover signal once 3 s have passed', async () => {
    const dir = sessionDir();
    const { child, output } = await holder(dir, 'ignore');
    const started = Date.now();
    const lock = await acquireLock(dir, { handover: true });
    // The holder was given its 3 s; it is still running, but no longer holds the session.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_950);
    expect(child.exitCode).toBeNull();
    expect(output()).not.toContain('handing over');
    expect(lock.warnings).toEqual([
      `Conductor pid ${child.pid} did not hand over within 3 s; took the session over anyway.`,
    ]);
    expect(lockOf(dir).pid).toBe(process.pid);
  });

  it('takes over from a holder that dies on the signal without releasing', async () => {
    const dir = sessionDir();
    // A process without a SIGUSR2 handler is ended by it and leaves its lock file behind.
    const child = spawn(process.execPath, [
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(join(dir, 'lock.json'))}, JSON.stringify({pid: process.pid, host: require('os').hostname(), startedAt: Date.now()})); console.log('holding'); setInterval(() => {}, 1e5)`,
    ]);
    children.push(child);
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    const lock = await acquireLock(dir, { handover: true });
    expect(child.signalCode).toBe('SIGUSR2');
    expect(lock.warnings).toEqual([
      `Conductor pid ${child.pid} exited without handing over; took the session over.`,
    ]);
    expect(lockOf(dir).pid).toBe(process.pid);
  });

  it('never signals an unrelated process that reuses the pid of a stale lock', async () => {
    const dir = sessionDir();
    // The lock was taken an hour ago by a conductor long gone; its pid now belongs to this child.
    const child = spawn(process.execPath, ['-e', `console.log('unrelated'); setInterval(() => {}, 1e5)`]);
    children.push(child);
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    writeFileSync(
      join(dir, 'lock.json'),
      JSON.stringify({ pid: child.pid, host: hostname(), startedAt: Date.now() - 3_600_000 }),
    );
    const lock = await acquireLock(dir, { handover: true });
    expect(lock.warnings[0]).toMatch(/stale lock/);
    expect(lockOf(dir).pid).toBe(process.pid);
    await new Promise((r) => setTimeout(r, 200));
    expect(child.signalCode).toBeNull();
    expect(child.exitCode).toBeNull();
  });

  it('the heartbeat: still held while the file names this holder, put back when removed by hand, lost when another took it', async () => {
    const dir = sessionDir();
    const lock = await acquireLock(dir);
    expect(lock.stillHeld()).toBe(true);
    rmSync(join(dir, 'lock.json'));
    expect(lock.stillHeld()).toBe(true);
    expect(lockOf(dir).pid).toBe(process.pid);
    // Someone else's lock: same pid and host (a second engine would differ more), another token.
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ ...lockOf(dir), token: 'someone-else' }));
    expect(lock.stillHeld()).toBe(false);
    // Releasing never removes a lock that is not ours.
    lock.release();
    expect(existsSync(join(dir, 'lock.json'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['lock.json']);
    // Once it has seen another's lock it never writes its own again, even when the file goes.
    rmSync(join(dir, 'lock.json'));
    expect(lock.stillHeld()).toBe(false);
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
  });

  it('a removal mutex left by a crashed conductor (dead pid) is cleared, and the stale lock taken over', async () => {
    const dir = sessionDir();
    const pid = await deadPid();
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid, host: hostname(), startedAt: 1 }));
    writeFileSync(join(dir, 'lock.json.removing'), JSON.stringify({ pid, host: hostname(), startedAt: 1 }));
    const lock = await acquireLock(dir);
    expect(lockOf(dir).token).toBe(lock.info.token);
    expect(readdirSync(dir)).toEqual(['lock.json']);
  });

  it('a removal mutex from another host is cleared once it is 10 s old', async () => {
    const dir = sessionDir();
    const pid = await deadPid();
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid, host: hostname(), startedAt: 1 }));
    const mutex = join(dir, 'lock.json.removing');
    writeFileSync(mutex, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: Date.now() }));
    const old = new Date(Date.now() - 11_000);
    utimesSync(mutex, old, old);
    await acquireLock(dir);
    expect(readdirSync(dir)).toEqual(['lock.json']);
  });
});
