import { dangerBlockersOf } from '../core/session/gates.js';
import type { Conductor } from './conductor.js';

/**
 * THE guard of every step that changes an environment (a dangerous command, a traffic change),
 * asked right before it: with blockers the step waits, showing them (the screen's traffic-guard
 * form records a ticket or a window override with a reason), and true is returned.
 */
export async function heldByDangerGuard(c: Conductor, stepId: string): Promise<boolean> {
  const blockers = dangerBlockersOf(c.runbook, c.promotion, c.state, stepId, c.now());
  if (blockers.length === 0) return false;
  c.setWaiting({ step: stepId, kind: 'traffic-guard', message: blockers.join(' ') });
  await c.changed(5_000);
  return true;
}

/** The same guard without waiting: the last word right before the change leaves. */
export function dangerGuardClear(c: Conductor, stepId: string): boolean {
  return dangerBlockersOf(c.runbook, c.promotion, c.state, stepId, c.now()).length === 0;
}
