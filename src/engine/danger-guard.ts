import { dangerBlockersOf } from '../core/session/gates.js';
import type { EngineContext } from './context.js';

/**
 * THE guard of every step that changes an environment (a dangerous command, a traffic change),
 * asked right before it: with blockers the step waits, showing them (the screen's traffic-guard
 * form records a ticket or a window override with a reason), and true is returned.
 */
export async function heldByDangerGuard(c: EngineContext, stepId: string): Promise<boolean> {
  const blockers = dangerBlockersOf(c.runbook, c.promotion, c.state, stepId, c.now());
  if (blockers.length === 0) return false;
  c.setWaiting({ step: stepId, kind: 'traffic-guard', message: blockers.join(' ') });
  // Between canary stages the traffic already moved stays there: it is polled meanwhile, and the
  // rollback band stays armed (a window that closed mid-canary holds the next stage, not the guard).
  await c.waitWatching(5_000);
  return true;
}

/** The same guard without waiting: the last word right before the change leaves. */
export function dangerGuardClear(c: EngineContext, stepId: string): boolean {
  return dangerBlockersOf(c.runbook, c.promotion, c.state, stepId, c.now()).length === 0;
}
