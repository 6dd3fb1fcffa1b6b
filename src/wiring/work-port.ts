import type { WorkPort } from '../engine/ports.js';
import { runCommandStep } from '../services/commands/command-step.js';
import {
  findGroupByMarker,
  inspectGroup,
  RUN_MARKER_VARIABLE,
  stopGroup,
} from '../services/commands/process-group.js';
import { runHttpStep } from '../services/http-check.js';
import { runLoadStep } from '../services/load.js';

export interface WorkPortOptions {
  /** PATH for commands (a rehearsal's, with its stand-in tools first); default this process's. */
  path?: string;
  /** Folder a step's relative cwd is resolved against. */
  cwd: string;
  /** A rehearsal talks plain HTTP to the sandbox: TLS facts cannot be checked there. */
  rehearsal?: boolean;
}

/** The engine's work port on the real services: execa commands, http checks, autocannon. */
export function createWorkPort(options: WorkPortOptions): WorkPort {
  return {
    command(step, context) {
      const path = options.path ?? process.env.PATH ?? '';
      return runCommandStep(step, {
        env: {
          ...context.env,
          PATH: path,
          ...(context.marker !== undefined && { [RUN_MARKER_VARIABLE]: context.marker }),
        },
        logFile: context.logFile,
        signal: context.signal,
        onLine: (line) => context.onLine(line),
        onStart: context.onStarted,
        baseDir: options.cwd,
      });
    },
    inspectGroup: (group) => inspectGroup(group),
    findGroup: (marker) => findGroupByMarker(marker),
    stopGroup: (group) => stopGroup(group),
    async http(step, context) {
      const skipTls = options.rehearsal === true;
      const outcome = await runHttpStep(skipTls ? { ...step, tlsValid: false } : step, {
        signal: context.signal,
        production: context.production && !skipTls,
      });
      const note =
        step.tlsValid && skipTls ? '; TLS not checked in a rehearsal (the sandbox speaks plain HTTP)' : '';
      return { ...outcome, detail: `${outcome.detail}${note}` };
    },
    async load(step, context) {
      const outcome = await runLoadStep(step, { signal: context.signal });
      const { result } = outcome;
      // The go/no-go reads these facts (seed 8.1 "p95 within baseline +10%", 8.2 "error rate > 1%").
      const facts = [
        {
          id: `${step.id}-error-rate-pct`,
          fact: 'error-rate-pct',
          value: result.requests > 0 ? result.errorRatePct : null,
          limit: `<= ${step.maxErrorRatePct}%`,
          ok: result.requests > 0 && result.errorRatePct <= step.maxErrorRatePct,
          detail: `error rate ${result.errorRatePct}%`,
        },
      ];
      if (step.baselineP95 !== undefined && result.requests > result.errors) {
        const increase = Number((((result.p95Ms - step.baselineP95) / step.baselineP95) * 100).toFixed(1));
        facts.push({
          id: `${step.id}-p95-increase-pct`,
          fact: 'p95-increase-pct',
          value: increase,
          limit: `baseline ${step.baselineP95} ms`,
          ok: true,
          detail: `p95 ${Math.round(result.p95Ms)} ms is ${increase >= 0 ? '+' : ''}${increase}% against the ${step.baselineP95} ms baseline`,
        });
      }
      return { ...outcome, evidence: [...outcome.evidence, ...facts] };
    },
  };
}
