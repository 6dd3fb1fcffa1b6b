import { interpolate, placeholdersIn, type Variables } from '../runbook/interpolate.js';
import type { Channel, Template } from '../runbook/schema.js';

export interface RenderedNotification {
  /** Where it goes, e.g. "#devops-alerts". */
  channel: string;
  title: string;
  text: string;
  /** Placeholders that had no value and stay visible as ${name}, so the conductor can see the gap. */
  missing: string[];
}

/** "#devops-alerts" from "#devops-alerts", "devops-alerts" or "Slack #devops-alerts". */
export function slackChannelName(channel: Channel | undefined, fallbackId: string): string {
  const written = channel?.slack?.trim();
  if (!written) return `#${channel?.id ?? fallbackId}`;
  const hashed = /#[\w.-]+/.exec(written);
  if (hashed) return hashed[0];
  return `#${written.replace(/^@/, '')}`;
}

/** The runbook's channel a template (or a notify step's override) addresses. */
export function channelFor(channels: Channel[], channelId: string): Channel | undefined {
  return channels.find((channel) => channel.id === channelId);
}

/**
 * A runbook template (seed 4.3, 9.2, 10.3) filled with the session's values and addressed to the
 * Slack channel of its stakeholder group (seed 9.1).
 */
export function renderNotification(
  template: Template,
  channel: Channel | undefined,
  vars: Variables,
): RenderedNotification {
  const names = [...new Set([...placeholdersIn(template.text), ...placeholdersIn(template.title ?? '')])];
  const missing = names.filter((name) => vars[name] === undefined);
  // No literal ${...} reaches a reader: a value nobody gave says so in words.
  const filled: Variables = {
    ...vars,
    ...Object.fromEntries(missing.map((name) => [name, `[${name}: not given]`])),
  };
  return {
    channel: slackChannelName(channel, template.channel),
    title: interpolate(template.title ?? template.id, filled),
    text: interpolate(template.text, filled),
    missing,
  };
}
