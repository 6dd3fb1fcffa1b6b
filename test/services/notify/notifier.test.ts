import { describe, expect, it } from 'vitest';
import { slackNotifier } from '../../../src/services/notify/notifier.js';
import { webhookServer } from '../../support/webhook-server.js';

const hook = webhookServer();
const { received } = hook;

describe('slackNotifier', () => {
  it("posts each runbook channel's messages to its own webhook and skips channels without one", async () => {
    const notifier = slackNotifier({
      env: { CONDUCTOR_SLACK_WEBHOOK_OPERATIONS: `${hook.base}/ops-hook` },
      conf: { webhooks: { 'qa-team': `${hook.base}/qa-hook` } },
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
      env: { CONDUCTOR_SLACK_WEBHOOK: `${hook.base}/broken-T0/B0/secret` },
      baseDelayMs: 5,
      retries: 1,
    });
    const result = await notifier.post('operations', { channel: '#devops-alerts', text: 'x' });
    expect(result).toMatchObject({ ok: false, attempts: 2 });
    expect(result?.error).not.toContain('secret');
  });
});
