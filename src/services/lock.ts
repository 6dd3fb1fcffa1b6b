import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
   * driving). A lock file removed by hand is written again; never once this holder has seen
   * another's lock in it.
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

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The holder a lock file's text names; undefined when it names none (torn, or not a lock). */
function parseLock(text: string | undefined): LockInfo | undefined {
  if (text === undefined) return undefined;
  try {
    const info = JSON.parse(text) as LockInfo | null;
    return typeof info?.pid === 'number' && typeof info.host === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

const readLock = (file: string): LockInfo | undefined => parseLock(readText(file));

/** The same lock: a pid reused by a later conductor is another holder, and so is a lock rewritten by anyone else. */
function sameLock(current: LockInfo | undefined, holder: LockInfo): boolean {
  return (
    current !== undefined &&
    current.pid === holder.pid &&
    current.host === holder.host &&
    current.startedAt === holder.startedAt &&
    current.token === holder.token
  );
}

/** A name beside the lock file that no other process uses. */
const besides = (file: string, what: string) => `${file}.${what}-${randomBytes(6).toString('hex')}`;

/**
 * Writes the lock file whole, or not at all (false: a lock file exists). The lock is written in full
 * under a name of its own, then hard-linked to lock.json, which fails if lock.json exists. So no one
 * ever reads a lock half written: an unreadable lock is one a crash tore, never a lock another
 * conductor is still writing (which the unreadable-lock path would otherwise replace).
 */
function publish(file: string, text: string): boolean {
  const draft = besides(file, 'new');
  try {
    // Inside the try: a full disk leaves no draft behind.
    writeFileSync(draft, text, { flag: 'wx', mode: 0o600 });
    linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

/** Blocks this thread for `ms` (the removal mutex is held for microseconds: no event loop turn is worth it). */
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** How long a conductor waits for another to finish removing a lock before it gives up. */
const REMOVAL_WAIT_MS = 5_000;
/** A removal mutex this old was left by a crash (it is held for microseconds). */
const REMOVAL_STALE_MS = 10_000;

/** The removal mutex in `text` was left by a process that is gone (or is too old to be live). */
function removerGone(mutex: string, text: string): boolean {
  const holder = parseLock(text);
  if (holder && holder.host === hostname() && !holderAlive(holder)) return true;
  try {
    return Date.now() - statSync(mutex).mtimeMs > REMOVAL_STALE_MS;
  } catch {
    return false;
  }
}

/**
 * Clears a removal mutex a crash left behind, only if it is still the one judged gone: moved aside
 * (a rename is atomic: one of the processes that try moves it), looked at, and put back by a hard
 * link if it had meanwhile become another's. Only a crash inside the microseconds a mutex is held
 * brings anyone here.
 */
function breakRemoval(mutex: string, text: string): void {
  const aside = besides(mutex, 'aside');
  try {
    renameSync(mutex, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readText(aside) !== text) linkSync(aside, mutex);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

/**
 * Runs `act` holding the session's removal mutex (lock.json.removing, created exclusively): the only
 * right to delete lock.json. Creation of lock.json is exclusive too (publish), so while the mutex is
 * held the lock file can only go from absent to present, never be swapped: what `act` reads is what
 * it deletes. (Moving the lock aside to read it, as this once did, left lock.json absent for a
 * moment, and a racer that created it then took the session from under a conductor that held it.)
 */
function whileRemoving<T>(file: string, act: () => T): T {
  const mutex = `${file}.removing`;
  const mine = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    startedAt: Date.now(),
    token: randomBytes(8).toString('hex'),
  });
  const deadline = Date.now() + REMOVAL_WAIT_MS;
  while (!publish(mutex, mine)) {
    const text = readText(mutex);
    if (text !== undefined && removerGone(mutex, text)) breakRemoval(mutex, text);
    else if (Date.now() > deadline)
      throw new UserError(
        `Another conductor has been changing this session's lock for ${REMOVAL_WAIT_MS / 1000} s; if no conductor runs, remove ${mutex}.`,
      );
    else sleepSync(1);
  }
  try {
    return act();
  } finally {
    if (readText(mutex) === mine) rmSync(mutex, { force: true });
  }
}

/**
 * Removes the lock file only if it is still a lock `replaceable` accepts (under the removal mutex,
 * so no other conductor deletes or swaps it between the look and the removal):
 * - the lock we meant to replace: deleted ('removed'; lock.json is now free for anyone to create);
 * - another's lock: left alone ('kept');
 * - no lock ('gone'): released, or replaced by another conductor that has not yet written its own.
 */
function removeIfStill(file: string, replaceable: (text: string) => boolean): 'removed' | 'kept' | 'gone' {
  try {
    return whileRemoving(file, () => {
      const text = readText(file);
      if (text === undefined) return 'gone';
      if (!replaceable(text)) return 'kept';
      rmSync(file, { force: true });
      return 'removed';
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC' && code !== 'EDQUOT') throw error;
    return removeAside(file, replaceable);
  }
}

/**
 * A full disk has no room for the removal mutex: an engine stopping on ENOSPC still releases its
 * lock. The lock is moved aside under a name of its own (a rename needs no space), looked at, and
 * put back by a hard link if it is not the one meant. While it is aside another conductor could
 * create lock.json; on a disk too full for a mutex file it could not write its lock either.
 */
function removeAside(file: string, replaceable: (text: string) => boolean): 'removed' | 'kept' | 'gone' {
  const aside = besides(file, 'aside');
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  if (replaceable(readFileSync(aside, 'utf8'))) {
    rmSync(aside, { force: true });
    return 'removed';
  }
  try {
    linkSync(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  rmSync(aside, { force: true });
  return 'kept';
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The refusal when `holder` holds the session (undefined: whoever took it is not known yet). */
function heldBy(holder: LockInfo | undefined, file: string): UserError {
  if (!holder)
    return new UserError(`Another conductor took this session's lock at the same moment; try again.`);
  if (holder.host !== hostname())
    return new UserError(
      `This session is held by conductor pid ${holder.pid} on host ${holder.host}; stop it there, or remove ${file} if that host is gone.`,
    );
  return new UserError(
    `This session is held by conductor pid ${holder.pid} on this host; run \`conductor resume\` to take it over.`,
  );
}

/**
 * Takes the session's lock. A lock is only ever removed through removeIfStill (looked at and deleted
 * under the removal mutex) and only ever created whole and exclusively (publish): of any number of
 * conductors racing for one session, one holds it and the others are told who does. (Only a
 * conductor that crashes inside the microseconds it holds the removal mutex leaves a window: see
 * breakRemoval. The heartbeat, stillHeld, stops a holder whose lock another took even then.)
 */
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
  const mine = JSON.stringify(me);
  const isMine = (text: string) => sameLock(parseLock(text), me);
  const warnings: string[] = [];
  let tookOverFrom: LockInfo | undefined;
  // Once this holder has seen another's lock it never writes one again.
  let lost = false;
  const held = (): HeldLock => ({
    info: me,
    warnings,
    tookOverFrom,
    stillHeld() {
      if (lost) return false;
      // A lock removed by hand is written again: this holder still drives the session. Exclusively,
      // so it never replaces a lock another took. Should a taker have deleted it and not yet written
      // its own, this holder's lock wins that race and the taker is refused: never two holders.
      if (readText(file) === undefined) publish(file, mine);
      const current = readText(file);
      if (current !== undefined && !isMine(current)) lost = true;
      return current !== undefined && isMine(current);
    },
    release() {
      // Looked at and removed under the removal mutex: a lock another conductor took since this
      // holder last looked is left alone. A lock that cannot be removed now is left to be judged
      // stale (its pid gone) by the next conductor.
      try {
        removeIfStill(file, isMine);
      } catch {
        // See above.
      }
    },
  });
  /** lock.json is free (or about to be): ours, or the session goes to whoever created it first. */
  const claim = (warning?: string): HeldLock => {
    if (!publish(file, mine)) throw heldBy(readLock(file), file);
    if (warning) warnings.push(warning);
    return held();
  };
  /** Replaces the lock judged `replaceable`, if it still is that lock under the removal mutex. */
  const replace = (replaceable: (text: string) => boolean, warning: string, ifGone = warning): HeldLock => {
    const outcome = removeIfStill(file, replaceable);
    // Another conductor took the session between our look and the removal: it holds the session.
    if (outcome === 'kept') throw heldBy(readLock(file), file);
    // 'gone': released, or a racer replacing the same lock removed it first; whoever creates
    // lock.json first now holds the session.
    return claim(outcome === 'removed' ? warning : ifGone);
  };

  if (publish(file, mine)) return held();
  const text = readText(file);
  // It vanished between the two looks: released, or removed by a racer replacing it. As above.
  if (text === undefined) return claim();
  const holder = parseLock(text);
  if (!holder) {
    // An unreadable lock (torn by a crash: see publish) protects nothing: replace it, but only that
    // same text; a racer that replaced it first holds a lock we must not touch.
    return replace((t) => t === text, 'The session lock was unreadable; it was replaced.');
  }
  if (holder.host === me.host && holder.pid === me.pid) return held();
  if (holder.host !== me.host) throw heldBy(holder, file);
  const theHolders = (t: string) => sameLock(parseLock(t), holder);
  if (!holderAlive(holder)) {
    // Every racer that finds the same stale lock tries this; exactly one moves it aside.
    tookOverFrom = holder;
    return replace(
      theHolders,
      `Took over a stale lock: conductor pid ${holder.pid} on ${holder.host} is no longer running.`,
    );
  }
  if (!options.handover) throw heldBy(holder, file);

  tookOverFrom = holder;
  const handedOver = `Conductor pid ${holder.pid} handed the session over.`;
  const waitMs = options.waitMs ?? 3_000;
  try {
    process.kill(holder.pid, HANDOVER_SIGNAL);
  } catch {
    // It exited between the check and the signal: the wait below sees it gone.
  }
  const deadline = Date.now() + waitMs;
  const stillHeld = () => sameLock(readLock(file), holder);
  while (Date.now() < deadline && stillHeld() && holderAlive(holder)) await pause(50);
  if (!stillHeld()) {
    // Released (or replaced by another conductor: then claim tells who holds it).
    return claim(handedOver);
  }
  // The holder let go of nothing: its lock is replaced, unless it releases it as we move it (then it
  // did hand over) or the lock we move aside is by then another conductor's.
  return replace(
    theHolders,
    holderAlive(holder)
      ? `Conductor pid ${holder.pid} did not hand over within ${Math.round(waitMs / 1000)} s; took the session over anyway.`
      : `Conductor pid ${holder.pid} exited without handing over; took the session over.`,
    handedOver,
  );
}
