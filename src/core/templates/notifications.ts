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

export interface StatusUpdateFacts {
  version: string;
  environment: string;
  /** What is happening now, e.g. "canary stage 2 of 4 (25% of traffic)". */
  activity: string;
  elapsedText: string;
  errorRatePct?: number;
  p95Text?: string;
  /** Issues met so far; empty means none. */
  issues: string[];
}

/**
 * The operations team's status every 15 minutes during a PROD deployment (seed 9.1: deployment
 * status, metrics, any issues), for runbooks that define no template of their own.
 */
export function renderStatusUpdate(facts: StatusUpdateFacts): string {
  const lines = [
    `🔄 ${facts.environment.toUpperCase()} DEPLOYMENT STATUS`,
    `Version: ${facts.version}`,
    `Now: ${facts.activity}`,
    `Elapsed: ${facts.elapsedText}`,
  ];
  if (facts.errorRatePct !== undefined || facts.p95Text !== undefined) {
    const parts = [
      facts.errorRatePct !== undefined ? `Error Rate: ${facts.errorRatePct}%` : undefined,
      facts.p95Text !== undefined ? `p95: ${facts.p95Text}` : undefined,
    ].filter(Boolean);
    lines.push(parts.join('  '));
  }
  lines.push(facts.issues.length === 0 ? 'Issues: none' : `Issues: ${facts.issues.join('; ')}`);
  return lines.join('\n');
}
