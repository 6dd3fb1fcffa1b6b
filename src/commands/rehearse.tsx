import { rehearsalTicket } from '../core/gates/ticket-example.js';
import { findPromotion } from '../core/session/selectors.js';
import { UserError } from '../errors.js';
import { findScenario, scenarioNames } from '../sandbox/scenarios.js';
import type { StartRequest } from '../screens/Home.js';
import { SessionStore } from '../services/store/session-store.js';
import { attachOrResume, spawnEngine } from '../wiring/engine-process.js';
import { attachSession, type RemoteSession } from '../wiring/session-client.js';
import { loadRunbook } from '../wiring/session-runtime.js';
import { requireTty, runInteractive } from './interactive.js';
import { sessionRows } from './sessions.js';
import { sessionFieldsOf, validateStart } from './start-form.js';

export interface RehearseOptions {
  scenario: string;
  speed: string;
  autopilot?: boolean;
  runbook: string;
  promotion: string;
  home?: string;
  /** Hidden (bench/): use this loopback sandbox instead of starting one. */
  sandboxUrl?: string;
  /** Hidden (bench/): "START@WALL": the clock read START at wall time WALL (epoch ms). */
  clockStart?: string;
}

/** The clock start that puts this process on the same accelerated clock as the one that read START at WALL. */
export function sharedClockStart(
  text: string | undefined,
  speed: number,
  wallNow: number,
): number | undefined {
  if (text === undefined) return undefined;
  const [start, wall] = text.split('@').map(Number);
  if (!Number.isFinite(start))
    throw new UserError(`--clock-start must be START[@WALL] in epoch ms, got "${text}".`);
  return Number.isFinite(wall) ? start + (wallNow - wall) * speed : start;
}

const MAX_SPEED = 1000;

export async function rehearseCommand(options: RehearseOptions): Promise<number> {
  requireTty();
  const speed = Number(options.speed);
  // Above this the clock outruns the polls (each takes real milliseconds) and stages pass unjudged.
  if (!Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED)
    throw new UserError(`--speed must be a number above 0 and at most ${MAX_SPEED}, got "${options.speed}".`);
  // Bad input is refused before any screen or engine starts.
  if (!findScenario(options.scenario))
    throw new UserError(
      `Unknown sandbox scenario "${options.scenario}": use one of ${scenarioNames().join(', ')}.`,
    );
  const loaded = await loadRunbook(options.runbook);
  const promotion = findPromotion(loaded.runbook, options.promotion);
  if (!promotion)
    throw new UserError(
      `${options.runbook} has no promotion "${options.promotion}": use one of ${loaded.runbook.promotions.map((p) => p.id).join(', ')}.`,
    );
  // The ticket the autopilot types and the form offers: the runbook's example, or one made to match.
  const example = rehearsalTicket(loaded.runbook, promotion);
  if (options.autopilot && 'problem' in example) throw new UserError(example.problem);
  const store = new SessionStore(options.home);
  const base = {
    kind: 'rehearse' as const,
    scenario: options.scenario,
    speed,
    autopilot: options.autopilot,
    home: options.home,
    clockStart: sharedClockStart(options.clockStart, speed, Date.now()),
    sandboxUrl: options.sandboxUrl,
  };

  // The session runs in an engine process of its own; this process is only its screen.
  const start = async (request: StartRequest): Promise<RemoteSession> => {
    const engine = await spawnEngine({ ...base, ...sessionFieldsOf(request, Date.now()) });
    return attachSession(engine.socketPath, 'driver');
  };

  const initial = options.autopilot
    ? await spawnEngine({ ...base, runbookFile: options.runbook, promotionId: options.promotion }).then(
        (engine) => attachSession(engine.socketPath, 'driver'),
      )
    : undefined;

  return runInteractive({
    initial,
    sessions: sessionRows(store),
    edges: loaded.runbook.promotions.map((p) => p.id),
    defaults: {
      runbookFile: options.runbook,
      edge: options.promotion,
      version: 'v2026.11.29.1',
      ticket: 'ticket' in example ? example.ticket : '',
      risk: 'medium',
    },
    rehearsal: { scenario: options.scenario, speed },
    validate: (request) => validateStart(loaded.runbook, request),
    start,
    resume: (id) => attachOrResume(store, id, { home: options.home, autopilot: options.autopilot }),
  });
}
