import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackNotifier } from '../../../src/services/notify/notifier.js';

const received: Array<{ path?: string; body: unknown }> = [];
let base = '';
const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    received.push({ path: request.url, body: JSON.parse(body) });
    response.writeHead(request.url?.includes('broken') ? 500 : 200);
    response.end(request.url?.includes('broken') ? 'internal_error' : 'ok');
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('slackNotifier', () => {
  it("posts each runbook channel's messages to its own webhook and skips channels without one", async () => {
    const notifier = slackNotifier({
      env: { CONDUCTOR_SLACK_WEBHOOK_OPERATIONS: `${base}/ops-hook` },
      conf: { webhooks: { 'qa-team': `${base}/qa-hook` } },
    });
    expect(
      await notifier.post('operations', { channel: '#devops-alerts', text: 'PROD canary at 10%' }),
    ).toEqual({
      ok: true,
      attempts: 1,
    });
    expect(await notifier.post('qa-team', { channel: '#qa-testing', text: 'SIT ready' })).toEqual({
      ok: true,
      attempts: 1,
    });
    expect(await notifier.post('business', { channel: '#business-updates', text: 'done' })).toBeUndefined();
    expect(received.slice(-2)).toEqual([
      { path: '/services/ops-hook', body: { text: 'PROD canary at 10%', channel: '#devops-alerts' } },
      { path: '/services/qa-hook', body: { text: 'SIT ready', channel: '#qa-testing' } },
    ]);
  });

  it('resolves a failing webhook to a result, never a rejection', async () => {
    const notifier = slackNotifier({
      env: { CONDUCTOR_SLACK_WEBHOOK: `${base}/broken-T0/B0/secret` },
      baseDelayMs: 5,
      retries: 1,
    });
    const result = await notifier.post('operations', { channel: '#devops-alerts', text: 'x' });
    expect(result).toMatchObject({ ok: false, attempts: 2 });
    expect(result?.error).not.toContain('secret');
  });
});
