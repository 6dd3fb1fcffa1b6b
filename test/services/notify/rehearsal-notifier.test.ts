import { describe, expect, it } from 'vitest';
import { slackNotifier } from '../../../src/services/notify/notifier.js';
import { webhookServer } from '../../support/webhook-server.js';

const hook = webhookServer();
const { received } = hook;

const message = { channel: '#devops-alerts', text: 'PROD DEPLOYMENT COMPLETE @on-call-team' };

describe('slackNotifier in a rehearsal', () => {
  it('calls no webhook, default or per channel, unless asked', async () => {
    const notifier = slackNotifier({
      rehearsal: true,
      env: {
        CONDUCTOR_SLACK_WEBHOOK: `${hook.base}/T0/B0/default`,
        CONDUCTOR_SLACK_WEBHOOK_OPERATIONS: `${hook.base}/T0/B0/ops`,
      },
      conf: { webhooks: { 'qa-team': `${hook.base}/T0/B0/qa` } },
    });
    expect(await notifier.post('operations', message)).toBeUndefined();
    expect(await notifier.post('qa-team', message)).toBeUndefined();
    expect(await notifier.post('business', message)).toBeUndefined();
    expect(received).toEqual([]);
  });

  it('a value other than 1 does not count as asking', async () => {
    for (const value of ['', '0', 'true', 'yes']) {
      const notifier = slackNotifier({
        rehearsal: true,
        env: { CONDUCTOR_SLACK_WEBHOOK: `${hook.base}/T0/B0/default`, CONDUCTOR_REHEARSAL_WEBHOOKS: value },
      });
      expect(await notifier.post('operations', message)).toBeUndefined();
    }
    expect(received).toEqual([]);
  });

  it('with CONDUCTOR_REHEARSAL_WEBHOOKS=1 posts every message marked [REHEARSAL]', async () => {
    const notifier = slackNotifier({
      rehearsal: true,
      env: {
        CONDUCTOR_SLACK_WEBHOOK: `${hook.base}/T0/B0/default`,
        CONDUCTOR_SLACK_WEBHOOK_OPERATIONS: `${hook.base}/T0/B0/ops`,
        CONDUCTOR_REHEARSAL_WEBHOOKS: '1',
      },
    });
    expect(await notifier.post('operations', message)).toEqual({ ok: true, attempts: 1 });
    expect(await notifier.post('business', { channel: '#business', text: 'v2 is live' })).toEqual({
      ok: true,
      attempts: 1,
    });
    expect(received).toEqual([
      {
        path: '/services/T0/B0/ops',
        body: { channel: '#devops-alerts', text: '[REHEARSAL] PROD DEPLOYMENT COMPLETE @on-call-team' },
      },
      { path: '/services/T0/B0/default', body: { channel: '#business', text: '[REHEARSAL] v2 is live' } },
    ]);
  });

  it('a real session posts as before, unmarked', async () => {
    const notifier = slackNotifier({ env: { CONDUCTOR_SLACK_WEBHOOK: `${hook.base}/T0/B0/default` } });
    expect(await notifier.post('operations', message)).toEqual({ ok: true, attempts: 1 });
    expect(received.map((r) => r.body.text)).toEqual([message.text]);
  });
});
