import type { TerminalSession } from './terminal.js';

// What a person does by hand on the screen, step by step, shared by the e2e tests that walk a
// promotion without the autopilot.

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "2026-11-29 15:02" in UTC, as the Home form reads a maintenance window. */
export const utcMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** A maintenance window open from a few minutes ago for three days: traffic may move all along. */
export function openWindow(now = Date.now()): string {
  return `${utcMinute(now - 5 * 60_000)} - ${utcMinute(now + 3 * 24 * 3_600_000)}`;
}

/** Confirms the selected manual checklist item with space, typing its evidence note. */
export async function confirmItem(
  app: TerminalSession,
  title: string,
  note: string,
  timeoutMs = 60_000,
): Promise<void> {
  // The item is selected: its full title stands over the "space: mark done" hint (the phase
  // rail may fill the start of both lines).
  await app.waitForText(new RegExp(`${escapeRegExp(title)}[^\\n]*\\n[^\\n]*space: mark done`), timeoutMs);
  await app.press('space');
  await app.waitForText(`Confirm: ${title}`, 10_000);
  await app.type(note);
  await app.press('enter');
  await app.waitForNoText(`Confirm: ${title}`, 10_000);
}

/** Records one approval through the form: approver, the role the form offers, a comment. */
export async function approve(
  app: TerminalSession,
  approver: string,
  role: string,
  comment: string,
): Promise<void> {
  await app.waitForText('a or enter: record an approval', 30_000);
  await app.press('a');
  await app.waitForText('Record an approval', 10_000);
  await app.type(approver);
  await app.press('tab');
  // The form offers the first role still waiting; the test says which one it expects.
  await app.waitForText(`‹ ${role} ›`, 5_000);
  await app.press('tab');
  await app.type(comment);
  await app.press('enter');
  await app.waitForText(`Approval by ${approver} as ${role} recorded.`, 10_000);
}
