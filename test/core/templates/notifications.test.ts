import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Channel, Template } from '../../../src/core/runbook/schema.js';
import {
  channelFor,
  renderNotification,
  slackChannelName,
} from '../../../src/core/templates/notifications.js';

const promotionRequest: Template = {
  id: 'sit-promotion-request',
  title: 'SIT PROMOTION REQUEST',
  channel: 'qa-team',
  source: '9.2',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: runbook placeholders, not JS template literals.
  text: '📦 SIT PROMOTION REQUEST\nVersion: ${version}\nTest Results: ✅ All tests passing (${testCount} tests)\nCode Coverage: ${coverage}%\nPlease review and approve in JIRA: ${ticket}',
};
const qa: Channel = { id: 'qa-team', title: 'QA Team', slack: '#qa-testing', other: ['Email'] };

describe('renderNotification', () => {
  it("fills a seed 9.2 template with the session's values and addresses its stakeholder channel", () => {
    const rendered = renderNotification(promotionRequest, qa, {
      version: 'v2024.12.25.1',
      testCount: 847,
      coverage: 85,
      ticket: 'JIRA-4321',
    });
    expect(rendered).toEqual({
      channel: '#qa-testing',
      title: 'SIT PROMOTION REQUEST',
      text: '📦 SIT PROMOTION REQUEST\nVersion: v2024.12.25.1\nTest Results: ✅ All tests passing (847 tests)\nCode Coverage: 85%\nPlease review and approve in JIRA: JIRA-4321',
      missing: [],
    });
  });

  it('says in words that a value was not given, never a literal placeholder, and lists it', () => {
    const rendered = renderNotification(promotionRequest, qa, { version: 'v1', testCount: 1, coverage: 90 });
    expect(rendered.text).toContain('approve in JIRA: [ticket: not given]');
    expect(rendered.text).not.toContain('${');
    expect(rendered.missing).toEqual(['ticket']);
  });

  it('falls back to the channel id when the runbook names no Slack channel', () => {
    expect(renderNotification(promotionRequest, undefined, {}).channel).toBe('#qa-team');
    expect(
      slackChannelName(
        { id: 'ops', title: 'Ops', slack: 'Slack #devops-alerts + PagerDuty', other: [] },
        'ops',
      ),
    ).toBe('#devops-alerts');
    expect(slackChannelName({ id: 'ops', title: 'Ops', slack: 'devops-alerts', other: [] }, 'ops')).toBe(
      '#devops-alerts',
    );
  });

  it('renders every template of the shipped runbook to its channel', () => {
    const runbook = parse(readFileSync(new URL('../../../runbooks/bbws.yaml', import.meta.url), 'utf8')) as {
      channels: Channel[];
      templates: Template[];
    };
    const rollback = runbook.templates.find((t) => t.id === 'prod-rollback-completed');
    expect(rollback).toBeDefined();
    const rendered = renderNotification(rollback!, channelFor(runbook.channels, rollback!.channel), {
      version: 'v2024.12.25.1',
      previousVersion: 'v2024.12.24.3',
      duration: '4m',
      reason: 'error rate 7.5% above 5% for 3 minutes',
    });
    expect(rendered.channel).toBe('#devops-alerts');
    expect(rendered.text).toContain('Version Reverted: v2024.12.25.1 → v2024.12.24.3');
    for (const template of runbook.templates) {
      expect(
        renderNotification(template, channelFor(runbook.channels, template.channel), {}).channel,
      ).toMatch(/^#[a-z-]+$/);
    }
  });
});
