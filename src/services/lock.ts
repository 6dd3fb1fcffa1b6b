import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';

/** One conductor per session at a time. The lock file names its holder. */
export interface LockInfo {
  pid: number;
  host: string;
  startedAt: number;
  /** Random, per holder: a lock file rewritten by anyone else never matches it. */
  token?: string;
}

export interface HeldLock {
  info: LockInfo;
  warnings: string[];
  tookOverFrom?: LockInfo;
  /**
   * The lock file still names this holder (the heartbeat: a holder whose lock another took stops
   * driving). A lock file removed by hand is written again.
   */
  stillHeld(): boolean;
  release(): void;
}

/** The signal a resuming conductor sends to ask the holder to hand the session over. */
export const HANDOVER_SIGNAL: NodeJS.Signals = 'SIGUSR2';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started (epoch ms), from /proc on Linux; undefined elsewhere. A pid in a
 * stale lock may belong to an unrelated process by now: one that started after the lock was
 * taken is not its holder, and gets no signal from us.
 */
export function processStartedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const boot = /\nbtime (\d+)/.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    if (!Number.isFinite(ticks) || boot === undefined) return undefined;
    return Number(boot) * 1000 + (ticks / 100) * 1000;
  } catch {
    return undefined;
  }
}

/** The lock's holder is running: its pid is alive and did not start after it took the lock. */
function holderAlive(holder: LockInfo): boolean {
  if (!alive(holder.pid)) return false;
  const started = processStartedAt(holder.pid);
  // btime has a resolution of one second and ticks of 10 ms: two seconds of slack.
  return started === undefined || started <= holder.startedAt + 2_000;
}

/** Who holds the lock of the session in `dir`, and whether that process still runs. */
export function readLockInfo(dir: string): (LockInfo & { alive: boolean }) | undefined {
  const info = readLock(join(dir, 'lock.json'));
  if (!info) return undefined;
  return { ...info, alive: info.host === hostname() ? holderAlive(info) : true };
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function tryCreate(file: string, info: LockInfo): boolean {
  try {
    writeFileSync(file, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same holder: a pid reused by a later conductor is another holder. */
function sameHolder(current: LockInfo | undefined, holder: LockInfo): boolean {
  return (
    current !== undefined &&
    current.pid === holder.pid &&
    current.host === holder.host &&
    current.startedAt === holder.startedAt
  );
}

export async function acquireLock(
  dir: string,
  options: { handover?: boolean; waitMs?: number; now?: () => number } = {},
): Promise<HeldLock> {
  const file = join(dir, 'lock.json');
  const me: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: (options.now ?? Date.now)(),
    token: randomBytes(8).toString('hex'),
  };
  const warnings: string[] = [];
  let tookOverFrom: LockInfo | undefined;
  const held = (): HeldLock => ({
    info: me,
    warnings,
    tookOverFrom,
    stillHeld() {
      // A lock removed by hand is put back: this holder still drives the session.
      if (!existsSync(file)) tryCreate(file, me);
      const current = readLock(file);
      return current !== undefined && sameHolder(current, me) && current.token === me.token;
    },
    release() {
      const current = readLock(file);
      if (current && current.pid === me.pid && current.host === me.host && current.token === me.token)
        rmSync(file, { force: true });
    },
  });

  if (tryCreate(file, me)) return held();
  const holder = readLock(file);
  if (!holder) {
    // An unreadable lock (torn write) protects nothing: replace it.
    warnings.push('The session lock was unreadable; it was replaced.');
    rmSync(file, { force: true });
    if (tryCreate(file, me)) return held();
  } else if (holder.host === me.host && holder.pid === me.pid) {
    return held();
  } else if (holder.host === me.host && !holderAlive(holder)) {
    warnings.push(
      `Took over a stale lock: conductor pid ${holder.pid} on ${holder.host} is no longer running.`,
    );
    tookOverFrom = holder;
    rmSync(file, { force: true });
    if (tryCreate(file, me)) return held();
  } else if (holder.host !== me.host) {
    throw new UserError(
      `This session is held by conductor pid ${holder.pid} on host ${holder.host}; stop it there, or remove ${file} if that host is gone.`,
    );
  } else if (!options.handover) {
    throw new UserError(
      `This session is held by conductor pid ${holder.pid} on this host; run \`conductor resume\` to take it over.`,
    );
  } else {
    tookOverFrom = holder;
    const waitMs = options.waitMs ?? 3_000;
    try {
      process.kill(holder.pid, HANDOVER_SIGNAL);
    } catch {
      // It exited between the check and the signal: the wait below sees it gone.
    }
    const deadline = Date.now() + waitMs;
    const stillHeld = () => sameHolder(readLock(file), holder);
    while (Date.now() < deadline && stillHeld() && holderAlive(holder)) await pause(50);
    if (stillHeld()) {
      warnings.push(
        holderAlive(holder)
          ? `Conductor pid ${holder.pid} did not hand over within ${Math.round(waitMs / 1000)} s; took the session over anyway.`
          : `Conductor pid ${holder.pid} exited without handing over; took the session over.`,
      );
      rmSync(file, { force: true });
    } else {
      warnings.push(`Conductor pid ${holder.pid} handed the session over.`);
    }
    if (tryCreate(file, me)) return held();
  }
  throw new UserError(`Another conductor took this session's lock at the same moment; try again.`);
}
