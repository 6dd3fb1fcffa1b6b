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
}

export interface Notifier {
  /** Undefined when no webhook is configured for the channel: the message is then only shown and journaled. */
  post(channelId: string, message: SlackMessage): Promise<SlackPostResult | undefined>;
}

/** Posts to the webhook configured for each runbook channel. Never throws, never exposes a webhook URL. */
export function slackNotifier(options: SlackNotifierOptions = {}): Notifier {
  return {
    async post(channelId, message) {
      const webhook = webhookFor(channelId, options.env ?? process.env, options.conf);
      if (!webhook) return undefined;
      return postSlack(webhook, message, options);
    },
  };
}
