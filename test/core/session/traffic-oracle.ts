import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../../../src/core/runbook/parse.js';
import type { Promotion, Runbook } from '../../../src/core/runbook/schema.js';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { findPromotion } from '../../../src/core/session/selectors.js';

/** The seed runbook as shipped, and its SIT -> PROD promotion. */
export function bbwsPromotion(): { runbook: Runbook; promotion: Promotion } {
  const file = join(import.meta.dirname, '..', '..', '..', 'runbooks', 'bbws.yaml');
  const parsed = parseRunbook(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error('runbooks/bbws.yaml does not parse');
  const promotion = findPromotion(parsed.runbook, 'sit-to-prod');
  if (!promotion) throw new Error('bbws has no sit-to-prod promotion');
  return { runbook: parsed.runbook, promotion };
}

export const HOUR = 3_600_000;

/**
 * May PROD traffic move, written from the seed's rules (3.2, 6.3, 8.3, 1.3) and the bbws runbook
 * alone, independently of core/gates: every required PROD role approved within 48 h by a distinct
 * person who is not the conductor, with a comment; the latest go/no-go says GO (or GO with extra
 * monitoring); a change ticket like CHG-123 is recorded; and the moment is inside the declared
 * window, or the window was overridden with a reason.
 */
export function oracleAllowsProdTraffic(events: readonly SessionEvent[], now: number): boolean {
  let conductor = '';
  let risk = 'low';
  let ticket: string | undefined;
  let window: { start: number; end: number } | undefined;
  let overridden = false;
  let decision: string | undefined;
  const approvals: Array<{ role: string; approver: string; comment: string; at: number }> = [];
  for (const e of events) {
    if (e.type === 'session.created') {
      conductor = e.conductor;
      risk = e.risk;
      ticket = e.ticket;
      window = e.window;
    }
    if (e.type === 'risk.set') risk = e.risk;
    if (e.type === 'ticket.recorded') ticket = e.ticket;
    if (e.type === 'window.declared') window = { start: e.start, end: e.end };
    // The latest override is the one in force; one without a reason overrides nothing.
    if (e.type === 'window.overridden') overridden = e.reason.trim() !== '';
    if (e.type === 'gonogo.decided') decision = e.decision;
    if (e.type === 'approval.recorded' && e.step === 'prod-approval') approvals.push(e);
  }
  const person = (handle: string) => handle.trim().replace(/^@+/, '').toLowerCase();

  const required = ['tech-lead', 'infrastructure-lead'];
  if (risk === 'high' || risk === 'critical') required.push('business-owner');
  const holders: Array<{ who: string; at: number }> = [];
  for (const role of required) {
    // The newest approval of the role counts (a later one of the same moment wins).
    let newest: (typeof approvals)[number] | undefined;
    for (const a of approvals) if (a.role === role && (!newest || a.at >= newest.at)) newest = a;
    if (!newest) return false;
    if (now >= newest.at + 48 * HOUR) return false;
    if (person(newest.approver) === '' || newest.comment.trim() === '') return false;
    if (person(newest.approver) === person(conductor)) return false;
    holders.push({ who: person(newest.approver), at: newest.at });
  }
  if (new Set(holders.map((h) => h.who)).size !== holders.length) return false;

  if (decision !== 'GO' && decision !== 'GO-EXTRA-MONITORING') return false;
  if (!/^[A-Z][A-Z0-9]+-\d+$/.test(ticket?.trim() ?? '')) return false;
  const inside = window !== undefined && now >= window.start && now < window.end;
  return inside || overridden;
}
