import type { Variables } from '../../core/runbook/interpolate.js';
import type { ProgressMark } from '../../core/session/events.js';
import type { StepState } from '../../core/session/state.js';
import { renderNotification } from '../../core/templates/notifications.js';
import type { EngineContext } from '../context.js';

/**
 * Render a runbook template with the session's values and post it; a failed post never blocks.
 * A progress update passes its mark (journaled with the message) and the values only it has.
 */
export function sendNotification(
  c: EngineContext,
  stepId: string,
  templateId: string,
  channelId?: string,
  progress?: { mark: ProgressMark; variables: Variables },
): void {
  const template = c.runbook.templates.find((t) => t.id === templateId);
  if (!template) {
    c.dispatch({ type: 'warning', at: c.now(), message: `Template ${templateId} is not in the runbook.` });
    return;
  }
  const channel = c.runbook.channels.find((ch) => ch.id === (channelId ?? template.channel));
  const rendered = renderNotification(template, channel, { ...c.variables(), ...progress?.variables });
  if (rendered.missing.length > 0)
    c.dispatch({
      type: 'warning',
      at: c.now(),
      message: `Message ${template.id} went out without ${rendered.missing.map((n) => `\${${n}}`).join(', ')}: nothing in the session gives ${rendered.missing.length > 1 ? 'them' : 'it'} a value.`,
    });
  c.dispatch({
    type: 'notification.rendered',
    at: c.now(),
    step: stepId,
    template: template.id,
    channel: rendered.channel,
    text: rendered.text,
    ...(progress && { progress: progress.mark }),
  });
  const channelKey = channel?.id ?? template.channel;
  c.options.notify
    .post(channelKey, { channel: rendered.channel, text: rendered.text })
    .then((result) => {
      if (result)
        c.dispatch({
          type: 'notification.posted',
          at: c.now(),
          template: template.id,
          channel: rendered.channel,
          ...result,
        });
    })
    .catch(() => undefined);
}

export async function runNotify(c: EngineContext, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  if (def.kind !== 'notify') return;
  sendNotification(c, step.id, def.template, def.channel);
  c.dispatch({
    type: 'step.completed',
    at: c.now(),
    step: step.id,
    outcome: 'passed',
    detail: `rendered ${def.template}`,
  });
}
