import { afterEach, describe, expect, it } from 'vitest';
import { webhookServer } from '../support/webhook-server.js';
import { eventsOf, runningRehearsal, until } from './helpers.js';

// A stand-in for Slack on loopback: every message a rehearsal would have posted arrives here.
const hook = webhookServer();
const { received } = hook;

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['CONDUCTOR_SLACK_WEBHOOK', 'CONDUCTOR_REHEARSAL_WEBHOOKS']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('a rehearsal and the Slack webhooks', () => {
  it('posts nothing with a webhook variable set: messages are rendered and journaled only', async () => {
    process.env.CONDUCTOR_SLACK_WEBHOOK = `${hook.base}/T0/B0/rehearsal-must-not-post`;
    delete process.env.CONDUCTOR_REHEARSAL_WEBHOOKS;
    const r = await runningRehearsal({ scenario: 'healthy', advanceBelow: 100 });
    await until(r, () => eventsOf(r, 'notification.rendered').length >= 2, 'two rendered messages');
    // Give a post that should not happen the time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toEqual([]);
    expect(eventsOf(r, 'notification.posted')).toEqual([]);
  }, 60_000);

  it('with CONDUCTOR_REHEARSAL_WEBHOOKS=1 posts, every message marked [REHEARSAL]', async () => {
    process.env.CONDUCTOR_SLACK_WEBHOOK = `${hook.base}/T0/B0/asked-for`;
    process.env.CONDUCTOR_REHEARSAL_WEBHOOKS = '1';
    const r = await runningRehearsal({ scenario: 'healthy', advanceBelow: 100 });
    await until(
      r,
      () => eventsOf(r, 'notification.posted').filter((e) => e.ok).length >= 2,
      'two posted messages',
    );
    expect(received.length).toBeGreaterThanOrEqual(2);
    for (const message of received) expect(message.body.text.startsWith('[REHEARSAL] ')).toBe(true);
    // The journal keeps the text as rendered; only what leaves for Slack carries the mark.
    const rendered = new Set(eventsOf(r, 'notification.rendered').map((e) => e.text));
    for (const message of received)
      expect(rendered.has(message.body.text.slice('[REHEARSAL] '.length))).toBe(true);
  }, 60_000);
});
