import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseRunbook } from '../../../src/core/runbook/parse.js';
import type { Promotion, Runbook } from '../../../src/core/runbook/schema.js';
import { findPromotion } from '../../../src/core/session/selectors.js';
import { DRIVER, RUNBOOK } from './dist.js';

/** One line the driver script prints (see test/fixtures/crash/drive.mjs). */
export interface DriverLine {
  event: 'started' | 'resumed' | 'guard' | 'handover' | 'completed';
  pid?: number;
  sessionId?: string;
  step?: string;
  stage?: number;
  status?: string;
  outcome?: string;
}

export interface DriverOptions {
  dist: string;
  home: string;
  mode: 'start' | 'resume';
  sessionId?: string;
  speed?: number;
  scenario?: string;
  /** Extend a stage whose end asks the person (and the autopilot cannot answer). */
  extendWhenAsked?: boolean;
}

/** A rehearsal session running in a child process of its own. */
export class DrivenSession {
  readonly child: ChildProcess;
  readonly lines: DriverLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(options: DriverOptions) {
    this.child = spawn(
      process.execPath,
      [DRIVER, JSON.stringify({ runbook: RUNBOOK, speed: 600, scenario: 'healthy', ...options })],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let buffered = '';
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('{')) this.lines.push(JSON.parse(line) as DriverLine);
        newline = buffered.indexOf('\n');
      }
      this.wake();
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8_000);
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        resolve({ code, signal });
        this.wake();
      }),
    );
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  line(event: DriverLine['event']): DriverLine | undefined {
    return this.lines.find((l) => l.event === event);
  }

  /** Resolves with the line once printed, or undefined if the process ends first. */
  async waitFor(event: DriverLine['event'], timeoutMs = 60_000): Promise<DriverLine | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.line(event);
      if (found || !this.running) return found;
      if (Date.now() > deadline)
        throw new Error(`the driver did not print "${event}" in time; stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Real time passes, unless the process ends first. */
  async runFor(ms: number): Promise<void> {
    await Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), this.exited]);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL') {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}

export function bbws(): { runbook: Runbook; promotion: Promotion } {
  const parsed = parseRunbook(readFileSync(RUNBOOK, 'utf8'), RUNBOOK);
  if (!parsed.ok) throw new Error('runbooks/bbws.yaml does not parse');
  const promotion = findPromotion(parsed.runbook, 'sit-to-prod');
  if (!promotion) throw new Error('bbws has no sit-to-prod');
  return { runbook: parsed.runbook, promotion };
}

/** A small seeded generator, so a failing run names the seed that produced its kill moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
