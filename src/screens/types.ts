import type { Promotion, Runbook } from '../core/runbook/schema.js';
import type { SessionState } from '../core/session/state.js';
import type { Waiting } from '../engine/conductor.js';

/**
 * What every session screen is drawn from: the folded state, the runbook it runs, the clock's
 * now, and what the engine waits for. Screens never hold a Conductor, so a test can draw any
 * screen from a fixture state.
 */
export interface ScreenProps {
  state: SessionState;
  runbook: Runbook;
  promotion: Promotion;
  /** Clock time (epoch ms) of this frame. */
  now: number;
  waiting?: Waiting;
  /** The main panel's size (see mainArea). */
  width: number;
  height: number;
  /** A watcher's screen (`conductor watch`): it offers no key that asks the engine (x, h, enter). */
  readOnly?: boolean;
  /** Which target the charts follow (`tab` moves it): an index into the newest sample's targets. */
  chartTarget?: number;
}
