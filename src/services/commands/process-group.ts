import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { CommandGroupRecord, OrphanState } from '../../core/session/events.js';
import { processStartedAt } from '../lock.js';

/**
 * The process group of a command an earlier engine started and never saw end (it was killed, or its
 * machine lost power). Every command leads a group of its own, so the group id is its leader's pid;
 * the leader's start time, journaled as it started, tells that process from a later one given the
 * same pid. A group is ours only while its leader is alive with that start time: nothing else is
 * ever signalled.
 */
export interface GroupSeen {
  state: OrphanState;
  /** How long it has been running (wall time), when it runs. */
  runningForMs?: number;
}

/** btime has a resolution of one second (and start ticks of 10 ms): the same process reads the same. */
const START_TIME_SLACK_MS = 1_000;

interface ProcStat {
  state: string;
  pgrp: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** A zombie has ended: it only waits for its parent (gone with the old engine) to be reaped. */
const ended = (stat: ProcStat) => stat.state === 'Z' || stat.state === 'X';

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the command of `record` still running on this host, as the same process? Reads only. */
export function inspectGroup(record: CommandGroupRecord, now = Date.now()): GroupSeen {
  if (record.host !== hostname()) return { state: 'elsewhere' };
  const stat = procStat(record.pid);
  if (stat === undefined) {
    // No /proc (not Linux): a live pid cannot be proved to be the same process.
    if (!signalable(record.pid)) return { state: 'gone' };
    return { state: 'unverifiable' };
  }
  if (ended(stat)) return { state: 'gone' };
  const started = processStartedAt(record.pid);
  if (record.processStartedAt === undefined || started === undefined) return { state: 'unverifiable' };
  if (Math.abs(started - record.processStartedAt) > START_TIME_SLACK_MS || stat.pgrp !== record.pgid)
    return { state: 'reused' };
  return { state: 'running', runningForMs: Math.max(0, now - started) };
}

/** Live (not zombie) members of process group `pgid`, read from /proc; undefined without /proc. */
function liveMembers(pgid: number): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.pgrp === pgid && !ended(stat)) members.push(Number(entry));
  }
  return members;
}

/** The group still has a process that has not ended. */
export function groupRunning(pgid: number): boolean {
  const members = liveMembers(pgid);
  if (members !== undefined) return members.length > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stop the group of `record`: SIGTERM, then SIGKILL after `graceMs`, the way a command is stopped at
 * its timeout. Only a group whose leader is proved the same process (inspectGroup says 'running')
 * is signalled. Resolves true once nothing of the group runs; false when it was not ours to stop or
 * outlived the SIGKILL.
 */
export async function stopGroup(record: CommandGroupRecord, graceMs = 3_000): Promise<boolean> {
  const seen = inspectGroup(record);
  if (seen.state === 'gone') return true;
  if (seen.state !== 'running') return false;
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(-record.pgid, signal);
    } catch {
      // ESRCH: gone in the meantime.
    }
  };
  send('SIGTERM');
  const until = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!groupRunning(record.pgid)) return true;
      await pause(50);
    }
    return !groupRunning(record.pgid);
  };
  if (await until(graceMs)) return true;
  // Still the same leader, or none (the group id stays reserved while any member lives).
  if (inspectGroup(record).state === 'reused') return false;
  send('SIGKILL');
  return until(2_000);
}

/** The environment variable a command is started with, naming its run (events: command.starting). */
export const RUN_MARKER_VARIABLE = 'CONDUCTOR_RUN_MARKER';

export type MarkerSearch =
  | { state: 'found'; group: CommandGroupRecord }
  | { state: 'gone' }
  | { state: 'unverifiable' };

/**
 * A command started with `marker` in its environment, found among this user's processes (its engine
 * died before it journaled the pid). The group's leader when it still runs, else any live member.
 */
export function findGroupByMarker(marker: string): MarkerSearch {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return { state: 'unverifiable' };
  }
  const needle = `\0${RUN_MARKER_VARIABLE}=${marker}\0`;
  const found: Array<{ pid: number; pgrp: number }> = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue; // another user's, or gone
    }
    if (!`\0${environ}`.includes(needle)) continue;
    const stat = procStat(pid);
    if (stat && !ended(stat)) found.push({ pid, pgrp: stat.pgrp });
  }
  const chosen = found.find((p) => p.pid === p.pgrp) ?? found[0];
  if (!chosen) return { state: 'gone' };
  return {
    state: 'found',
    group: {
      pid: chosen.pid,
      pgid: chosen.pgrp,
      processStartedAt: processStartedAt(chosen.pid),
      host: hostname(),
    },
  };
}

/** When a command's process started, for its journal record (epoch ms, from /proc on Linux). */
export function commandGroupRecord(pid: number): CommandGroupRecord {
  return { pid, pgid: pid, processStartedAt: processStartedAt(pid), host: hostname() };
}
