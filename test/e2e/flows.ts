import { afterAll, beforeAll } from 'vitest';
import type { TestBbwsOptions } from '../support/test-bbws.js';
import {
  BUILD_TIMEOUT_MS,
  bbwsRunbook,
  ensureBuilt,
  killEngines,
  makeHome,
  removeHome,
  type Shown,
  type StartOptions,
  startConductor,
  type TerminalSession,
} from './terminal.js';

/** How `conductor rehearse` is started; the runbook is always the e2e copy of BBWS (see bbwsRunbook). */
export interface RehearsalOptions {
  /** A sandbox scenario (`--scenario`); the app's default when left out. */
  scenario?: string;
  /** The clock's speed-up (`--speed`); the app's default when left out. */
  speed?: number;
  /** `--autopilot`: the rehearsal answers the checklist, approvals and stage decisions itself. */
  autopilot?: boolean;
  /** What the runbook copy changes beyond its load tests (test/support/test-bbws.ts). */
  runbook?: TestBbwsOptions;
}

/** The argv of `conductor rehearse` for these options, writing the runbook copy into `home`. */
export function rehearseArgs(home: string, options: RehearsalOptions = {}): string[] {
  return [
    'rehearse',
    ...(options.scenario ? ['--scenario', options.scenario] : []),
    ...(options.autopilot ? ['--autopilot'] : []),
    ...(options.speed !== undefined ? ['--speed', String(options.speed)] : []),
    '--runbook',
    bbwsRunbook(home, options.runbook),
  ];
}

/**
 * One CONDUCTOR_HOME and the programs started in it: `dispose` ends every one of them and removes
 * the directory, so a test that fails half-way leaves no process behind.
 */
export class ConductorHome {
  readonly home = makeHome();
  private readonly started: TerminalSession[] = [];

  /** `conductor ARGS` in a pseudo-terminal (120x40 unless told) with this home. */
  start(args: string[], terminal: Omit<StartOptions, 'home'> = {}): TerminalSession {
    const app = startConductor(args, { ...terminal, home: this.home });
    this.started.push(app);
    return app;
  }

  /** `conductor rehearse` of the BBWS runbook copy with this home. */
  startRehearsal(options: RehearsalOptions = {}, terminal: Omit<StartOptions, 'home'> = {}): TerminalSession {
    return this.start(rehearseArgs(this.home, options), terminal);
  }

  dispose(): void {
    for (const app of this.started) app.dispose();
    killEngines(this.home);
    removeHome(this.home);
  }
}

/**
 * For a describe block: builds dist/ first (or waits for another file's build, which on two shared
 * cores takes a while), gives its tests one fresh home, and cleans it up after the last of them.
 * Read `home`, `start` and `startRehearsal` inside the tests, once beforeAll has run.
 */
export function useConductorHome(): Pick<ConductorHome, 'home' | 'start' | 'startRehearsal'> {
  let current: ConductorHome | undefined;
  beforeAll(() => {
    ensureBuilt();
    current = new ConductorHome();
  }, BUILD_TIMEOUT_MS);
  afterAll(() => current?.dispose());
  const active = (): ConductorHome => {
    if (!current) throw new Error('useConductorHome: read inside a test, after beforeAll');
    return current;
  };
  return {
    get home() {
      return active().home;
    },
    start: (args, terminal) => active().start(args, terminal),
    startRehearsal: (options, terminal) => active().startRehearsal(options, terminal),
  };
}

/** Runs `flow` with a home of its own, cleaned up however the flow ends. */
export async function withConductorHome<T>(flow: (home: ConductorHome) => Promise<T>): Promise<T> {
  const home = new ConductorHome();
  try {
    return await flow(home);
  } finally {
    home.dispose();
  }
}

export interface CanaryStageWait {
  /** Also wait for the stage's hold countdown ("hold 07:42 left"): its timer is running. */
  holding?: boolean;
  /** The rehearsal goes through the checklist, approvals and go/no-go first: 2 minutes unless told. */
  timeoutMs?: number;
  /** More the same frame must show (the split line, the key bar): they may be drawn a frame later. */
  also?: Shown[];
}

/**
 * Waits until the canary stage strip ("10% ✓ → [25%] → 50% → 100%   hold 07:42 left") shows
 * `weight`% as the current stage (and whatever `also` names); returns the screen at that moment.
 */
export function waitForCanaryStage(
  app: TerminalSession,
  weight: number,
  { holding = false, timeoutMs = 120_000, also = [] }: CanaryStageWait = {},
): Promise<string> {
  return app.waitForText([new RegExp(`\\[${weight}%\\]${holding ? '[^\\n]*hold' : ''}`), ...also], timeoutMs);
}

type CanaryMinutes = NonNullable<TestBbwsOptions['canaryMinutes']>;

/**
 * A 5-minute 10% stage, then the shipped 15-minute holds: for a test that acts in the 25% stage,
 * which waits seconds less for it and still has the whole 25% hold to land its keys in.
 */
export const QUICK_FIRST_STAGE: CanaryMinutes = { hold: [5, 15] };

/** 5-minute 10% and 25% stages, then 15-minute holds: for a test whose scenario starts at 50%. */
export const QUICK_TO_HALF: CanaryMinutes = { hold: [5, 5, 15] };
