import { progressSettings, progressUpdateDue } from '../core/session/progress-updates.js';
import type { EngineContext } from './context.js';
import { sendNotification } from './runners/notify.js';

/**
 * Post the stakeholder progress message when one is due (core decides which, from the journal):
 * called after every canary or monitoring sample, so an interval update goes out at the first poll
 * on or after its time and a verdict change with the sample that shows it.
 */
export function postProgressIfDue(c: EngineContext): void {
  const settings = progressSettings(c.promotion);
  if (!settings) return;
  const due = progressUpdateDue(c.state, settings, c.now());
  if (!due) return;
  sendNotification(c, due.step, settings.template, undefined, {
    mark: due.mark,
    variables: { updateReason: due.why },
  });
}
