import { rehearsalVersion } from '../core/gates/rehearsal-version.js';
import { rehearsalTicket } from '../core/gates/ticket-example.js';
import { nextEdges } from '../core/runbook/next-edge.js';
import { choosePromotion } from '../core/runbook/promotion-choice.js';
import { UserError } from '../errors.js';
import { findScenario, scenarioNames } from '../sandbox/scenarios.js';
import type { StartRequest } from '../screens/Home.js';
import { packagedRunbook } from '../services/package-files.js';
import { loadRunbook } from '../wiring/runbook-file.js';
import type { RemoteSession } from '../wiring/session-client.js';
import { requireTty, runInteractive } from './interactive.js';
import { screenSessionRows } from './session-rows.js';
import { sessionFieldsOf, validateStart } from './start-form.js';

export interface RehearseOptions {
  scenario: string;
  speed: string;
  autopilot?: boolean;
  /** Default: the packaged runbook. */
  runbook?: string;
  /** Default: the runbook's only promotion, else the first with a canary step. */
  promotion?: string;
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
  const runbookFile = options.runbook ?? packagedRunbook();
  const loaded = await loadRunbook(runbookFile);
  const chosen = choosePromotion(loaded.runbook, runbookFile, options.promotion, 'rehearse');
  if (!chosen.ok) throw new UserError(chosen.message);
  const promotion = chosen.promotion;
  // The ticket the autopilot types and the form offers: the runbook's example, or one made to match.
  const example = rehearsalTicket(loaded.runbook, promotion);
  if (options.autopilot && 'problem' in example) throw new UserError(example.problem);
  const base = {
    kind: 'rehearse' as const,
    scenario: options.scenario,
    speed,
    autopilot: options.autopilot,
    home: options.home,
    clockStart: sharedClockStart(options.clockStart, speed, Date.now()),
    sandboxUrl: options.sandboxUrl,
  };

  // The session runs in an engine process of its own; this process is only its screen. What starts
  // and attaches to it is loaded when a session starts, not before the first frame.
  // The session store (and conf, the index's writer) is loaded when a session is resumed, too.
  const sessionStore = async (home?: string) =>
    new (await import('../services/store/session-store.js')).SessionStore(home);
  const engines = async () => ({
    ...(await import('../wiring/engine-process.js')),
    ...(await import('../wiring/session-client.js')),
  });
  const start = async (request: StartRequest): Promise<RemoteSession> => {
    const { spawnEngine, attachSession } = await engines();
    const engine = await spawnEngine({ ...base, ...sessionFieldsOf(request, Date.now()) });
    return attachSession(engine.socketPath, 'driver');
  };

  const initial = options.autopilot
    ? await engines().then(({ spawnEngine, attachSession }) =>
        spawnEngine({ ...base, runbookFile, promotionId: promotion.id }).then((engine) =>
          attachSession(engine.socketPath, 'driver'),
        ),
      )
    : undefined;

  return runInteractive({
    initial,
    sessions: await screenSessionRows(options.home),
    edges: loaded.runbook.promotions.map((p) => p.id),
    nextEdges: nextEdges(loaded.runbook),
    defaults: {
      runbookFile,
      edge: promotion.id,
      version: rehearsalVersion(Date.now()),
      ticket: 'ticket' in example ? example.ticket : '',
      risk: 'medium',
    },
    rehearsal: { scenario: options.scenario, speed },
    validate: (request) => validateStart(loaded.runbook, request),
    start,
    resume: async (id) =>
      (await engines()).attachOrResume(await sessionStore(options.home), id, {
        home: options.home,
        autopilot: options.autopilot,
      }),
  });
}
