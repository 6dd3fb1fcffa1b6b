import {
  postSlack,
  type SlackMessage,
  type SlackPostOptions,
  type SlackPostResult,
  type SlackWebhookConf,
  webhookFor,
} from './slack.js';

export interface SlackNotifierOptions extends Omit<SlackPostOptions, 'signal'> {
  env?: NodeJS.ProcessEnv;
  conf?: SlackWebhookConf;
  /** Canceling stops retries of messages in flight (e.g. on exit). */
  signal?: AbortSignal;
  /**
   * A rehearsal: no webhook is called unless CONDUCTOR_REHEARSAL_WEBHOOKS=1 asks for it, and then
   * every message is marked "[REHEARSAL] " so nobody takes it for a real deployment.
   */
  rehearsal?: boolean;
}

/** The opt-in that lets a rehearsal post to the configured webhooks (marked as a rehearsal). */
export const REHEARSAL_WEBHOOKS_VAR = 'CONDUCTOR_REHEARSAL_WEBHOOKS';
export const REHEARSAL_PREFIX = '[REHEARSAL] ';

export interface Notifier {
  /** Undefined when no webhook is configured for the channel: the message is then only shown and journaled. */
  post(channelId: string, message: SlackMessage): Promise<SlackPostResult | undefined>;
}

/**
 * Posts to the webhook configured for each runbook channel. Never throws, never exposes a webhook
 * URL. In a rehearsal nothing is posted unless asked for explicitly (see `rehearsal`).
 */
export function slackNotifier(options: SlackNotifierOptions = {}): Notifier {
  return {
    async post(channelId, message) {
      const env = options.env ?? process.env;
      if (options.rehearsal && env[REHEARSAL_WEBHOOKS_VAR]?.trim() !== '1') return undefined;
      const webhook = webhookFor(channelId, env, options.conf);
      if (!webhook) return undefined;
      const text = options.rehearsal ? `${REHEARSAL_PREFIX}${message.text}` : message.text;
      return postSlack(webhook, { ...message, text }, options);
    },
  };
}
