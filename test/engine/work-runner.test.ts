// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Environment, GonogoStep, Runbook } from '../../src/core/runbook/schema.js';
import type { EvidenceRecord } from '../../src/core/session/events.js';
import { decideFor } from '../../src/core/session/gates.js';
import { Conductor } from '../../src/engine/conductor.js';
import type { NotifyPort, WorkOutcome, WorkPort } from '../../src/engine/ports.js';
import { runWork } from '../../src/engine/runners/work.js';
import type { Clock } from '../../src/services/clock.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { bbwsPromotion } from '../core/session/traffic-oracle.js';
import { stsOnlyAws } from '../support/sts-only-aws.js';

/**
 * The work runner between the runbook and the work port: what reaches a process or a request, and
 * how a step's own result is judged. A real Conductor over a real journal; the work port records.
 */

const T0 = Date.UTC(2026, 10, 29, 20, 0);
const clock: Clock = {
  speed: 1,
  now: () => T0,
  sleep: () => new Promise((resolve) => setTimeout(resolve, 1)),
};

interface Calls {
  command: string[][];
  http: string[];
  load: string[];
}

function recordingWork(calls: Calls, loadEvidence: EvidenceRecord[] = []): WorkPort {
  const outcome = (detail: string, evidence: EvidenceRecord[] = []): WorkOutcome => ({
    ok: true,
    detail,
    evidence,
    durationMs: 5,
  });
  return {
    async command(step, context) {
      calls.command.push([
        ...step.run,
        ...Object.entries({ ...context.env, ...step.env }).map(([k, v]) => `${k}=${v}`),
      ]);
      return { ...outcome('exit 0 in 5ms'), exitCode: 0 };
    },
    async http(step) {
      calls.http.push(step.url);
      return outcome('200 in 5ms');
    },
    async load(step) {
      calls.load.push(step.url);
      return outcome('1000 requests, 0% errors, p95 745ms', loadEvidence);
    },
  };
}

const notify: NotifyPort = { post: async () => undefined };
const open: Conductor[] = [];
afterEach(() => {
  while (open.length) open.pop()?.options.journal.writer.close();
});

function conductorFor(
  runbook: Runbook,
  work: WorkPort,
  fields: { version?: string; ticket?: string } = {},
): Conductor {
  const promotion = runbook.promotions.find((p) => p.id === 'sit-to-prod') ?? bbwsPromotion().promotion;
  const store = new SessionStore(mkdtempSync(join(tmpdir(), 'conductor-work-')));
  const c = new Conductor({
    runbook,
    runbookFile: 'runbooks/bbws.yaml',
    promotion,
    store,
    journal: store.create(clock.now()),
    clock,
    // Only STS is asked (identity before touch): it answers each environment's own account.
    aws: stsOnlyAws,
    work,
    notify,
    conductor: '@carol',
  });
  open.push(c);
  c.create({
    version: fields.version ?? 'v2026.11.29.1',
    risk: 'low',
    ticket: fields.ticket ?? 'CHG-1',
    runbookText: 'bbws',
  });
  return c;
}

/** The seed runbook with one environment changed, as a second team's runbook might have it. */
function withEnvironment(id: string, change: (env: Environment) => Environment): Runbook {
  const { runbook } = bbwsPromotion();
  return { ...runbook, environments: runbook.environments.map((env) => (env.id === id ? change(env) : env)) };
}

async function run(c: Conductor, stepId: string) {
  const step = c.state.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`no step ${stepId}`);
  await runWork(c, step);
  return c.state.steps.find((s) => s.id === stepId)!;
}

describe('work runner: no literal ${...} reaches a process or a request', () => {
  it('fails a command using ${profile} in an environment with no profile, naming it, and starts nothing', async () => {
    const calls: Calls = { command: [], http: [], load: [] };
    const c = conductorFor(
      withEnvironment('prod', ({ profile: _, ...env }) => env),
      recordingWork(calls),
    );
    const step = await run(c, 'prod-lambdas');
    expect(step.status).toBe('failed');
    expect(step.detail).toBe(
      '${profile} has no value (environment "prod" sets no profile), so the command was not started.',
    );
    expect(calls.command).toEqual([]);
  });

  it('runs the same command with the profile filled in when the environment names one', async () => {
    const calls: Calls = { command: [], http: [], load: [] };
    const { runbook } = bbwsPromotion();
    const step = await run(conductorFor(runbook, recordingWork(calls)), 'prod-lambdas');
    expect(step.status).toBe('passed');
    expect(calls.command).toHaveLength(1);
    expect(calls.command[0]).toContain('AWS_PROFILE=bbws-prod');
    expect(calls.command.flat().join(' ')).not.toContain('${');
  });

  it('fails an http step whose ${baseUrl} has no value, and requests nothing', async () => {
    const calls: Calls = { command: [], http: [], load: [] };
    const c = conductorFor(
      withEnvironment('sit', ({ baseUrl: _, ...env }) => env),
      recordingWork(calls),
    );
    const step = await run(c, 'sit-health');
    expect(step.status).toBe('failed');
    expect(step.detail).toBe(
      '${baseUrl} has no value (environment "sit" sets no baseUrl), so no request was sent.',
    );
    expect(calls.http).toEqual([]);
  });

  it('fails a load step whose ${baseUrl} has no value, and sends no load', async () => {
    const calls: Calls = { command: [], http: [], load: [] };
    const c = conductorFor(
      withEnvironment('sit', ({ baseUrl: _, ...env }) => env),
      recordingWork(calls),
    );
    const step = await run(c, 'sit-performance-baseline');
    expect(step.status).toBe('failed');
    expect(step.detail).toContain('${baseUrl} has no value');
    expect(calls.load).toEqual([]);
  });
});

describe('work runner: a load step against its baseline agrees with the go/no-go', () => {
  const measured = (p95IncreasePct: number): EvidenceRecord[] => [
    {
      id: 'sit-performance-baseline-error-rate-pct',
      fact: 'error-rate-pct',
      value: 0,
      limit: '<= 1%',
      ok: true,
      detail: 'error rate 0%',
    },
    {
      id: 'sit-performance-baseline-p95-increase-pct',
      fact: 'p95-increase-pct',
      value: p95IncreasePct,
      limit: 'baseline 250 ms',
      ok: true,
      detail: `p95 ${Math.round(250 * (1 + p95IncreasePct / 100))} ms is +${p95IncreasePct}% against the 250 ms baseline`,
    },
  ];
  const gonogo = () =>
    bbwsPromotion()
      .promotion.phases.flatMap((phase) => phase.steps)
      .find((s): s is GonogoStep => s.kind === 'gonogo')!;

  it('fails the step when its own evidence says p95 +198% over the baseline, as the go/no-go does', async () => {
    const calls: Calls = { command: [], http: [], load: [] };
    const { runbook, promotion } = bbwsPromotion();
    const c = conductorFor(runbook, recordingWork(calls, measured(198)));
    const step = await run(c, 'sit-performance-baseline');
    expect(step.status).toBe('failed');
    expect(step.detail).toBe(
      "performance is outside the go/no-go's bound (p95 <= baseline +10%, errors <= 1%): p95 is 198% over the baseline (limit +10%); 1000 requests, 0% errors, p95 745ms",
    );
    expect(step.evidence.find((e) => e.fact === 'p95-increase-pct')).toMatchObject({ value: 198, ok: false });
    const gate = decideFor(runbook, promotion, c.state, gonogo(), clock.now());
    expect(gate.rows.find((row) => row.input === 'performance')?.verdict).toBe('fail');
  });

  it('passes the step within the bound, and the go/no-go reads the same figure as ok', async () => {
    const calls: Calls = { command: [], http: [], load: [] };
    const { runbook, promotion } = bbwsPromotion();
    const c = conductorFor(runbook, recordingWork(calls, measured(4)));
    const step = await run(c, 'sit-performance-baseline');
    expect(step.status).toBe('passed');
    const gate = decideFor(runbook, promotion, c.state, gonogo(), clock.now());
    expect(gate.rows.find((row) => row.input === 'performance')?.verdict).toBe('ok');
  });

  it('fails the step when the work port recorded no figure against the baseline', async () => {
    const calls: Calls = { command: [], http: [], load: [] };
    const { runbook } = bbwsPromotion();
    const c = conductorFor(runbook, recordingWork(calls, measured(4).slice(0, 1)));
    const step = await run(c, 'sit-performance-baseline');
    expect(step.status).toBe('failed');
    expect(step.detail).toMatch(
      /^the go\/no-go's performance bound .* cannot be judged: p95 against the baseline not measured/,
    );
  });
});

/** The seed runbook with one shell step that pastes the version and the ticket into its line. */
function withShellStep(stepId: string, line: string): Runbook {
  const { runbook } = bbwsPromotion();
  return {
    ...runbook,
    promotions: runbook.promotions.map((p) => ({
      ...p,
      phases: p.phases.map((phase) => ({
        ...phase,
        steps: phase.steps.map((st) =>
          st.id === stepId && st.kind === 'command' ? { ...st, shell: true, run: [line] } : st,
        ),
      })),
    })),
  };
}

describe('work runner: values never become code', () => {
  const line = 'echo deploying ${version} for ${ticket}';
  for (const [what, fields] of [
    ['a version with ; in it', { version: 'v1;touch /tmp/conductor-pwned;echo' }],
    ['a ticket with $(...) in it', { ticket: '$(touch /tmp/conductor-pwned)' }],
  ] as const) {
    it(`refuses a shell step given ${what}, naming the value, and starts nothing`, async () => {
      const calls: Calls = { command: [], http: [], load: [] };
      const c = conductorFor(withShellStep('prod-lambdas', line), recordingWork(calls), fields);
      const step = await run(c, 'prod-lambdas');
      expect(step.status).toBe('failed');
      expect(step.detail).toMatch(/holds characters a shell would run .* was not started/);
      expect(calls.command).toEqual([]);
    });
  }

  it('runs the same shell step with plain values pasted in', async () => {
    const calls: Calls = { command: [], http: [], load: [] };
    const c = conductorFor(withShellStep('prod-lambdas', line), recordingWork(calls));
    expect((await run(c, 'prod-lambdas')).status).toBe('passed');
    expect(calls.command[0]?.[0]).toBe('echo deploying v2026.11.29.1 for CHG-1');
  });
});
