import { formatDuration } from '../core/runbook/duration.js';
import type { WorkPort } from '../engine/ports.js';
import { collectEvidence } from '../services/commands/collect-evidence.js';
import { runCommand } from '../services/commands/run-command.js';
import { httpCheck } from '../services/http-check.js';
import { runLoad } from '../services/load.js';

export interface WorkPortOptions {
  /** Prepended to PATH for commands (a rehearsal's stand-in tools). */
  pathPrefix?: string;
  /** Working directory for commands without a cwd. */
  cwd: string;
  /** Extra environment for every command (rehearsal endpoints and fake credentials). */
  env?: Record<string, string>;
  /** A rehearsal talks plain HTTP to the sandbox: TLS facts cannot be checked there. */
  rehearsal?: boolean;
}

/** The engine's work port on the real services: execa commands, http checks, autocannon. */
export function createWorkPort(options: WorkPortOptions): WorkPort {
  return {
    async command(step, context) {
      const cwd = step.cwd ?? options.cwd;
      const path = options.pathPrefix
        ? `${options.pathPrefix}:${process.env.PATH ?? ''}`
        : (process.env.PATH ?? '');
      const result = await runCommand({
        argv: step.run,
        shell: step.shell,
        cwd,
        env: { ...options.env, ...context.env, ...step.env, PATH: path },
        timeoutMs: step.timeout,
        signal: context.signal,
        logFile: context.logFile,
        onLine: (line) => context.onLine(line),
      });
      const evidence = await collectEvidence(step.evidence, result, cwd);
      const ok = result.exitCode === 0 && evidence.every((e) => e.ok);
      const detail =
        result.failure ??
        (result.exitCode === 0
          ? evidence.length
            ? evidence.map((e) => e.detail).join('; ')
            : `exit 0 in ${formatDuration(result.durationMs)}`
          : `exit ${result.exitCode} in ${formatDuration(result.durationMs)}`);
      return {
        ok,
        detail:
          ok || result.exitCode !== 0
            ? detail
            : `exit 0 but ${evidence
                .filter((e) => !e.ok)
                .map((e) => e.detail)
                .join('; ')}`,
        evidence,
        exitCode: result.exitCode,
        durationMs: result.durationMs,
        logFile: context.logFile,
      };
    },
    async http(step, context) {
      const checkTls = step.tlsValid && !options.rehearsal;
      const result = await httpCheck({ ...step, tlsValid: checkTls }, { signal: context.signal });
      const tls = result.tls?.expiresAt
        ? `; certificate ${result.tls.selfSigned ? 'SELF-SIGNED' : 'valid'}, expires in ${result.tls.daysLeft} days`
        : step.tlsValid && options.rehearsal
          ? '; TLS not checked in a rehearsal (the sandbox speaks plain HTTP)'
          : '';
      const detail = result.ok
        ? `${result.status} in ${Math.round(result.latencyMs)} ms${tls}`
        : result.problems.join(' ');
      return { ok: result.ok, detail, evidence: [], durationMs: result.latencyMs };
    },
    async load(step, context) {
      const result = await runLoad(step, { signal: context.signal });
      const detail = result.ok
        ? `${result.requests} requests, ${result.errorRatePct.toFixed(2)}% errors, p95 ${Math.round(result.p95Ms)} ms`
        : result.problems.join(' ');
      return {
        ok: result.ok,
        detail,
        evidence: [
          {
            id: `${step.id}-error-rate`,
            fact: 'error-rate-pct',
            value: result.errorRatePct,
            limit: `<= ${step.maxErrorRatePct}%`,
            ok: result.errorRatePct <= step.maxErrorRatePct,
            detail: `error rate ${result.errorRatePct.toFixed(2)}% (limit ${step.maxErrorRatePct}%)`,
          },
          {
            id: `${step.id}-p95`,
            fact: 'p95-ms',
            value: result.p95Ms,
            limit: `<= ${step.maxP95} ms`,
            ok: result.p95Ms <= step.maxP95,
            detail: `p95 ${Math.round(result.p95Ms)} ms (limit ${step.maxP95} ms)`,
          },
        ],
        durationMs: result.durationMs,
      };
    },
  };
}
