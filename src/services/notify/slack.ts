/** Slack incoming webhooks. The webhook URL is a credential: it never appears in a result, log or error. */

export interface SlackMessage {
  channel: string;
  text: string;
}

export interface SlackPostResult {
  ok: boolean;
  attempts: number;
  /** One sentence; never contains the webhook URL. */
  error?: string;
}

export interface SlackPostOptions {
  /** Further attempts after the first; default 3. */
  retries?: number;
  /** First back-off; doubled each retry; default 500 ms. */
  baseDelayMs?: number;
  signal?: AbortSignal;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
}

const WEBHOOK_PATTERN = /https?:\/\/[^\s"'<>]*\/services\/[^\s"'<>]+/gi;
const MAX_RETRY_AFTER_MS = 30_000;

/** The text with any webhook URL (the given one, and anything shaped like one) replaced. */
export function redactWebhooks(text: string, webhookUrl?: string): string {
  let redacted = text;
  if (webhookUrl) {
    redacted = redacted.split(webhookUrl).join('[webhook]');
    try {
      const { pathname, search } = new URL(webhookUrl);
      if (pathname.length > 1) redacted = redacted.split(`${pathname}${search}`).join('[webhook]');
    } catch {
      // not a URL: nothing more to hide than the text itself
    }
  }
  return redacted.replace(WEBHOOK_PATTERN, '[webhook]');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : undefined;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return cause.code;
  if ((error as Error | undefined)?.name === 'TimeoutError') return 'no answer in time';
  return (error as Error | undefined)?.message ?? String(error);
}

/**
 * Post one message. Retries with exponential back-off on 429 (honouring Retry-After), 5xx and
 * network errors; other answers (400 invalid_payload, 404 no_service...) are final. Never throws:
 * a message that cannot be posted is shown to the conductor and never blocks the promotion.
 */
export async function postSlack(
  webhookUrl: string,
  message: SlackMessage,
  options: SlackPostOptions = {},
): Promise<SlackPostResult> {
  const retries = options.retries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const fail = (attempts: number, why: string): SlackPostResult => ({
    ok: false,
    attempts,
    error: redactWebhooks(`The message to ${message.channel} was not posted: ${why}.`, webhookUrl),
  });
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return fail(0, 'the configured Slack webhook is not a URL');
  }
  let lastProblem = 'it was never sent';
  let attempts = 0;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (options.signal?.aborted) return fail(attempts, `canceled (${lastProblem})`);
    attempts++;
    let waitMs = baseDelayMs * 2 ** attempt;
    try {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: message.text, channel: message.channel }),
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      });
      const body = (await response.text().catch(() => '')).trim().slice(0, 200);
      if (response.ok) return { ok: true, attempts };
      lastProblem = `Slack answered ${response.status}${body ? ` (${body})` : ''}`;
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable) return fail(attempts, lastProblem);
      waitMs = retryAfterMs(response.headers.get('retry-after')) ?? waitMs;
    } catch (error) {
      if (options.signal?.aborted) return fail(attempts, 'canceled');
      lastProblem = `Slack could not be reached (${networkReason(error)})`;
    }
    if (attempt < retries) await sleep(waitMs, options.signal);
  }
  return fail(attempts, `${lastProblem}, after ${attempts} attempts`);
}

/** "devops-alerts" -> "DEVOPS_ALERTS", for environment variable names. */
function upperSnake(id: string): string {
  return id.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

export interface SlackWebhookConf {
  /** Webhook per runbook channel id. */
  webhooks?: Record<string, string>;
  /** Used for channels without their own. */
  defaultWebhook?: string;
}

/**
 * The webhook for a runbook channel: CONDUCTOR_SLACK_WEBHOOK_<CHANNEL_ID> first, then the conf's
 * entry for that channel, then CONDUCTOR_SLACK_WEBHOOK, then the conf's default. Undefined when
 * none is set: the message is then shown, not posted.
 */
export function webhookFor(
  channelId: string,
  env: NodeJS.ProcessEnv,
  conf?: SlackWebhookConf,
): string | undefined {
  const nonEmpty = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  return (
    nonEmpty(env[`CONDUCTOR_SLACK_WEBHOOK_${upperSnake(channelId)}`]) ??
    nonEmpty(conf?.webhooks?.[channelId]) ??
    nonEmpty(env.CONDUCTOR_SLACK_WEBHOOK) ??
    nonEmpty(conf?.defaultWebhook)
  );
}
