import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postSlack, redactWebhooks, webhookFor } from '../../../src/services/notify/slack.js';

interface Received {
  method?: string;
  path?: string;
  contentType?: string;
  body: string;
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A local stand-in for Slack that answers with the given statuses in turn and records what it got. */
async function slackServer(
  answers: Array<{ status: number; body?: string; headers?: Record<string, string> }>,
) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        method: request.method,
        path: request.url,
        contentType: request.headers['content-type'],
        body,
      });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)];
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body ?? '');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0CONDUCT/B0TEST/s3cr3tT0ken42`;
  return { url, received };
}

const message = { channel: '#devops-alerts', text: '📦 SIT PROMOTION REQUEST\nVersion: v2024.12.25.1' };

describe('postSlack', () => {
  it('posts the exact JSON Slack expects', async () => {
    const slack = await slackServer([{ status: 200, body: 'ok' }]);
    const result = await postSlack(slack.url, message);
    expect(result).toEqual({ ok: true, attempts: 1 });
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0]).toMatchObject({
      method: 'POST',
      path: '/services/T0CONDUCT/B0TEST/s3cr3tT0ken42',
      contentType: 'application/json',
    });
    expect(JSON.parse(slack.received[0].body)).toEqual({
      text: '📦 SIT PROMOTION REQUEST\nVersion: v2024.12.25.1',
      channel: '#devops-alerts',
    });
  });

  it('gives up on a webhook that keeps failing, without throwing and without the URL in the error', async () => {
    const slack = await slackServer([{ status: 500, body: 'internal_error' }]);
    const result = await postSlack(slack.url, message, { retries: 2, baseDelayMs: 10 });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(3);
    expect(slack.received).toHaveLength(3);
    expect(result.error).toBe(
      'The message to #devops-alerts was not posted: Slack answered 500 (internal_error), after 3 attempts.',
    );
    expect(result.error).not.toContain('s3cr3tT0ken42');
  });

  it('retries after a 429 and a 503, then succeeds', async () => {
    const slack = await slackServer([
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '0' } },
      { status: 503 },
      { status: 200, body: 'ok' },
    ]);
    expect(await postSlack(slack.url, message, { baseDelayMs: 10 })).toEqual({ ok: true, attempts: 3 });
  });

  it('does not retry an answer that will not change', async () => {
    const slack = await slackServer([{ status: 404, body: 'no_service' }]);
    const result = await postSlack(slack.url, message, { baseDelayMs: 10 });
    expect(result).toEqual({
      ok: false,
      attempts: 1,
      error: 'The message to #devops-alerts was not posted: Slack answered 404 (no_service).',
    });
  });

  it('reports an unreachable webhook without its URL', async () => {
    const slack = await slackServer([{ status: 200 }]);
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    const result = await postSlack(slack.url, message, { retries: 1, baseDelayMs: 10 });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(2);
    expect(result.error).toMatch(/Slack could not be reached \(ECONNREFUSED\), after 2 attempts\.$/);
    expect(result.error).not.toContain('s3cr3tT0ken42');
  });

  it('stops retrying when canceled', async () => {
    const slack = await slackServer([{ status: 500 }]);
    const controller = new AbortController();
    const pending = postSlack(slack.url, message, {
      retries: 10,
      baseDelayMs: 60_000,
      signal: controller.signal,
    });
    while (slack.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(1);
    expect(result.error).toMatch(/canceled/);
  });
});

describe('redactWebhooks', () => {
  it('hides the configured webhook and anything shaped like a Slack webhook', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXsecret';
    expect(redactWebhooks(`POST ${url} failed`, url)).toBe('POST [webhook] failed');
    expect(redactWebhooks('see https://hooks.slack.com/services/T1/B2/abc in logs')).toBe(
      'see [webhook] in logs',
    );
    expect(redactWebhooks('GET /services/T000/B000/XXXXsecret 500', url)).toBe('GET [webhook] 500');
  });
});

describe('webhookFor', () => {
  const conf = { webhooks: { operations: 'https://conf/ops' }, defaultWebhook: 'https://conf/default' };
  it('prefers the channel variable, then the conf entry, then the general variable, then the conf default', () => {
    expect(
      webhookFor(
        'operations',
        { CONDUCTOR_SLACK_WEBHOOK_OPERATIONS: 'https://env/ops', CONDUCTOR_SLACK_WEBHOOK: 'https://env/all' },
        conf,
      ),
    ).toBe('https://env/ops');
    expect(webhookFor('operations', { CONDUCTOR_SLACK_WEBHOOK: 'https://env/all' }, conf)).toBe(
      'https://conf/ops',
    );
    expect(webhookFor('qa-team', { CONDUCTOR_SLACK_WEBHOOK: 'https://env/all' }, conf)).toBe(
      'https://env/all',
    );
    expect(webhookFor('qa-team', {}, conf)).toBe('https://conf/default');
    expect(webhookFor('dev-team', { CONDUCTOR_SLACK_WEBHOOK_DEV_TEAM: 'https://env/dev' })).toBe(
      'https://env/dev',
    );
    expect(webhookFor('dev-team', {})).toBeUndefined();
  });
});
