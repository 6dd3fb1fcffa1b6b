import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, expect } from 'vitest';
import { App, type ExitHow } from '../../src/app.js';
import type { SessionEvent } from '../../src/core/session/events.js';
import { Conductor, type Waiting } from '../../src/engine/conductor.js';
import type { AwsPort, NotifyPort, WorkPort } from '../../src/engine/ports.js';
import { SESSION_ACTIONS, type SessionView } from '../../src/engine/session-view.js';
import type { KeyContext } from '../../src/keys.js';
import { type Clock, systemClock } from '../../src/services/clock.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { stripAnsi, tick } from '../components/render-helpers.js';
import { HOUR, MIN, passPhasesBefore, promotion, runbook, split, T0 } from '../screens/fixtures.js';

/**
 * The App over a real Conductor and a real journal in a temp home. The AWS, work and notify ports
 * are unused: each throws (and is counted in `calls`) if it is ever called. Every action the App
 * asks of the session is recorded in `actions`, in order.
 */
export const NOW = T0 + 5 * HOUR;

// Every event is fsynced: a folder in memory, where there is one, keeps that from being the test's cost.
const MEMORY_DIR = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const homes: string[] = [];
const mounted: Array<{ unmount: () => void; conductor: Conductor }> = [];

/** Unmounts every App set up so far, stops its conductor and removes its home (after each test, or sooner). */
export function unmountApps(): void {
  for (const m of mounted.splice(0)) {
    m.unmount();
    m.conductor.stop();
  }
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

afterEach(unmountApps);

export interface AppSessionOptions {
  risk?: 'low' | 'high';
  /** What the engine waits for, as its runner would have set it. */
  waiting?: Waiting;
  /** A watcher's screen (`conductor watch`). */
  readOnly?: boolean;
  /** Lines of the running command's output. */
  liveOutput?: string[];
  /** A rehearsal's session (the header says REHEARSAL). */
  rehearsal?: { scenario: string; speed: number };
}

export interface RecordedAction {
  name: string;
  args: unknown[];
}

export function setup(events: SessionEvent[], options: AppSessionOptions = {}) {
  const home = mkdtempSync(join(MEMORY_DIR, 'conductor-app-'));
  homes.push(home);
  const store = new SessionStore(home);
  const clock: Clock = { ...systemClock, now: () => NOW };
  const calls: string[] = [];
  const unused =
    (name: string) =>
    async (..._args: unknown[]): Promise<never> => {
      calls.push(name);
      throw new Error(`${name} is not used in this test`);
    };
  const aws: AwsPort = {
    verifyIdentity: unused('verifyIdentity'),
    readRollbackTarget: unused('readRollbackTarget'),
    readTrafficSplit: unused('readTrafficSplit'),
    setCanaryWeight: unused('setCanaryWeight'),
    promote: unused('promote'),
    rollback: unused('rollback'),
    fetchMetrics: unused('fetchMetrics'),
    describeError: (error) => (error instanceof Error ? error.message : String(error)),
  };
  const work: WorkPort = { command: unused('command'), http: unused('http'), load: unused('load') };
  const notify: NotifyPort = { post: unused('post') };
  const conductor = new Conductor({
    runbook,
    runbookFile: 'runbooks/bbws.yaml',
    promotion,
    store,
    journal: store.create(NOW),
    clock,
    // STS answers each environment's own account (identity before touch passes); not in `calls`.
    aws: (env) => ({
      ...aws,
      verifyIdentity: async () => ({
        account: env.accountId,
        arn: `arn:aws:sts::${env.accountId}:assumed-role/test`,
      }),
    }),
    work,
    notify,
    conductor: '@alex',
  });
  conductor.create({
    version: 'v42',
    previousVersion: 'v41',
    risk: options.risk ?? 'low',
    ticket: 'CHG-1234',
    runbookText: 'runbook',
    rehearsal: options.rehearsal,
  });
  for (const event of events) conductor.dispatch(event);
  if (options.waiting) conductor.setWaiting(options.waiting);
  if (options.liveOutput) conductor.liveOutput.push(...options.liveOutput);
  /** The types of the events journaled from here on. */
  const journaled: string[] = [];
  conductor.subscribeEvents((event) => journaled.push(event.type));
  const actions: RecordedAction[] = [];
  for (const name of [...SESSION_ACTIONS, 'abort'] as const) {
    const original = conductor[name].bind(conductor) as (...args: unknown[]) => unknown;
    Object.defineProperty(conductor, name, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        actions.push({ name, args });
        return original(...args);
      },
    });
  }
  // A watcher reads the same session and asks nothing of it.
  const view: SessionView = options.readOnly
    ? new Proxy(conductor, { get: (target, key) => (key === 'readOnly' ? true : Reflect.get(target, key)) })
    : conductor;
  const exits: ExitHow[] = [];
  const contexts: KeyContext[] = [];
  const app = render(
    <App conductor={view} onExit={(how) => exits.push(how)} onKeyContext={(ctx) => contexts.push(ctx)} />,
  );
  mounted.push({ unmount: app.unmount, conductor });
  const frame = () => stripAnsi(app.lastFrame() ?? '');
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      app.stdin.write(key);
      await tick();
      await tick();
    }
  };
  const waitFor = async (text: string) => {
    for (let i = 0; i < 200 && !frame().includes(text); i++) await new Promise((r) => setTimeout(r, 10));
    expect(frame()).toContain(text);
  };
  /** The key context of the last frame the App drew. */
  const context = () => contexts.at(-1);
  return { conductor, app, frame, press, waitFor, calls, exits, store, actions, context, journaled };
}

export const ENTER = '\r';
export const TAB = '\t';
export const ESC = '\x1b';
export const CTRL_C = '\x03';

/** The canary's first stage: 10% on v42 since an hour before NOW, the rollback target recorded. */
export function shiftedEvents(): SessionEvent[] {
  const at = T0 + 4 * HOUR;
  return [
    ...passPhasesBefore('canary'),
    { type: 'phase.started', at, phase: 'canary' },
    { type: 'step.started', at, step: 'prod-canary', attempt: 1 },
    {
      type: 'rollback-target.recorded',
      at,
      target: {
        apiGateway: {
          restApiId: 'a1b2c3d4e5',
          stage: 'prod',
          deploymentId: 'dep-41',
          canaryDeploymentId: 'dep-42',
        },
        lambdas: [
          { functionName: 'bbws-prod-auth-lambda', alias: 'prod', stableVersion: '41', canaryVersion: '42' },
        ],
      },
    },
    { type: 'traffic.shifted', at, weight: 10, split: split(10, at) },
    { type: 'canary.stage.started', at, step: 'prod-canary', stage: 0, weight: 10, holdMs: 15 * MIN },
  ];
}

/** The PROD gates passed: two approvals, GO, and a window open around NOW (the ticket is CHG-1234). */
export function gatesPassed(options: { window?: boolean } = {}): SessionEvent[] {
  const at = T0 + 2 * HOUR;
  return [
    {
      type: 'approval.recorded',
      at,
      step: 'prod-approval',
      role: 'tech-lead',
      approver: '@jane.doe',
      comment: 'Ready for PROD',
    },
    {
      type: 'approval.recorded',
      at,
      step: 'prod-approval',
      role: 'infrastructure-lead',
      approver: '@john.smith',
      comment: 'Plan reviewed',
    },
    { type: 'gonogo.decided', at, step: 'gonogo-prod', decision: 'GO', rows: [], whatWouldChange: [] },
    ...(options.window === false
      ? []
      : [{ type: 'window.declared', at, start: NOW - HOUR, end: NOW + 3 * HOUR } as SessionEvent]),
  ];
}

/** An automatic rollback counting down on the canary (30 s left at NOW). */
export function armedEvent(): SessionEvent {
  return {
    type: 'canary.auto-rollback.armed',
    at: NOW,
    step: 'prod-canary',
    deadline: NOW + 30_000,
    reason: 'rollback band held for 3 samples in a row',
  };
}
