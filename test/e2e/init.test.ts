// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rehearsalVersion } from '../../src/core/gates/rehearsal-version.js';
import { useConductorHome } from './flows.js';
import { BIN, conductorEnv, eventsOf, REPO, type TerminalSession } from './terminal.js';

/** Waits for a question (its text up to the default in brackets), then types the answer and enter. */
async function reply(app: TerminalSession, question: string, answer = ''): Promise<void> {
  await app.waitForText(question, 20_000);
  if (answer !== '') await app.type(answer);
  await app.press('enter');
}

describe('conductor init in a terminal', () => {
  const e2e = useConductorHome();

  it('asks, writes a runbook that validates, and that runbook rehearses to PROMOTED', async () => {
    const { home } = e2e;
    const file = join(home, 'runbook.yaml');
    const app = e2e.start(['init', file], { cols: 160, rows: 40 });

    await app.waitForText('ctrl+c stops without writing', 20_000);
    await reply(app, 'Runbook title [My app promotion]:', 'Orders release');
    await reply(app, 'Environments, in promotion order [dev, sit, prod]:', 'test, prod');
    await reply(app, 'TEST: AWS account id [111111111111]:', '4444-5555');
    // A wrong account id is told at once and asked again.
    await app.waitForText('"4444-5555" is not an AWS account id');
    await app.type('444455556666');
    await app.press('enter');
    await reply(app, 'TEST: AWS region [eu-west-1]:', 'af-south-1');
    await reply(app, 'TEST: production (y/n) [n]:');
    await reply(app, 'PROD: AWS account id [222222222222]:', '777788889999');
    await reply(app, 'PROD: AWS region [af-south-1]:');
    await reply(app, 'PROD: production (y/n) [y]:');
    await reply(
      app,
      'Lambda functions of the canary (${env} is the environment) [${env}-myapp-api]:',
      'orders-${env}',
    );
    await reply(app, 'Lambda alias that carries the traffic [live]:');
    await reply(app, 'PROD: API Gateway REST API id (none: Lambda aliases only) [none]:', 'q1w2e3r4t5');
    await reply(app, 'PROD: API Gateway API name [orders-${env}]:', 'orders-api');
    await reply(app, 'PROD: API Gateway stage [${env}]:');
    // Two short stages: the rehearsal below stays short.
    await reply(app, 'Canary stages, percent of traffic [10, 25, 50, 100]:', '25, 100');
    await reply(app, 'Hold time of each stage [15m]:', '10m');
    await reply(
      app,
      'Roles that approve a promotion into production [tech-lead]:',
      'tech-lead, product-owner',
    );
    await reply(app, 'Change ticket pattern (a regular expression) [^[A-Z][A-Z0-9]+-\\d+$]:', '^ORD-\\d{4}$');
    await reply(app, 'A ticket that matches it (what a rehearsal types) [ORD-');
    expect((await app.waitForExit(30_000)).exitCode).toBe(0);
    expect(app.screenText()).toContain(`Wrote ${file}: valid: Orders release: 2 environments, 1 promotion`);

    // The real validate accepts it.
    const validate = spawnSync(process.execPath, [BIN, 'validate', '--plan', file], {
      cwd: REPO,
      env: conductorEnv(home),
      encoding: 'utf8',
    });
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain('TEST to PROD (test-to-prod: test -> prod)');
    expect(validate.stdout).toContain('25% 10m -> 100% 10m');

    // And a rehearsal of it, answered by the autopilot, promotes the release to PROD.
    const rehearsal = e2e.start(['rehearse', '--runbook', file, '--autopilot', '--speed', '300']);
    await rehearsal.waitForText(
      [/ PROMOTED$/m, `${rehearsalVersion(Date.now())} promoted to PROD; every step passed.`, '2 approvals'],
      300_000,
    );
    expect(eventsOf(home, 'session.completed')[0]?.outcome).toBe('promoted');
    const shifted = eventsOf(home, 'traffic.shifted').map((e) => e.weight);
    expect(shifted).toEqual([25, 100]);
    await rehearsal.press('enter');
    expect((await rehearsal.waitForExit(30_000)).exitCode).toBe(0);
  }, 420_000);

  it('writes nothing when ctrl+c is pressed half-way', async () => {
    const file = join(e2e.home, 'stopped.yaml');
    const app = e2e.start(['init', file], { cols: 160, rows: 40 });
    await reply(app, 'Runbook title [My app promotion]:', 'Half done');
    await app.waitForText('Environments, in promotion order [dev, sit, prod]:');
    await app.type('dev, prod');
    await app.press('ctrl+c');
    expect((await app.waitForExit(20_000)).exitCode).toBe(2);
    expect(app.screenText()).toContain(`stopped before the last question; nothing was written to ${file}.`);
    expect(existsSync(file)).toBe(false);
  });
});
