import { formatDuration } from '../core/runbook/duration.js';
import type { LoadStep } from '../core/runbook/schema.js';
import { type AutocannonRun, autocannonInWorker } from './load-worker.js';
import { measuredEvidence, type StepOutcome } from './step-outcome.js';

export interface LoadResult {
  ok: boolean;
  /** Requests that got an answer or failed (connection error, timeout). */
  requests: number;
  /** Connection errors, timeouts and answers with status >= 400. */
  errors: number;
  errorRatePct: number;
  p95Ms: number;
  durationMs: number;
  /** One sentence each, empty when ok. */
  problems: string[];
}

export interface LoadOptions {
  signal?: AbortSignal;
  /** Upper bound on the run, whatever the step says; default 5 minutes. */
  maxRunMs?: number;
  /** Seconds before a single request counts as timed out; default 10. */
  requestTimeoutS?: number;
  /** Called about once a second with the requests done so far, for a progress line. */
  onProgress?: (requestsDone: number) => void;
}

/** Response times bucketed to 0.1 ms: exact enough for a p95 and bounded however long the run. */
class LatencyHistogram {
  private readonly buckets: Map<number, number>;
  private readonly total: number;

  constructor(buckets: Array<[number, number]>) {
    this.buckets = new Map(buckets);
    this.total = buckets.reduce((sum, [, count]) => sum + count, 0);
  }

  percentile(pct: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil((pct / 100) * this.total);
    let seen = 0;
    for (const key of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(key) ?? 0;
      if (seen >= rank) return key / 10;
    }
    return 0;
  }
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * The runbook's `ab -n 1000 -c 100 URL`, run with autocannon in a worker thread (load-worker.ts): a fixed number of requests
 * (or a duration) at a concurrency, judged on error rate and p95 against the step's limits. Never throws.
 */
export async function runLoad(step: LoadStep, options: LoadOptions = {}): Promise<LoadResult> {
  const started = performance.now();
  const result = (problems: string[], requests = 0, errors = 0, p95Ms = 0): LoadResult => {
    const errorRatePct = requests > 0 ? round((errors / requests) * 100) : 0;
    return {
      ok: problems.length === 0,
      requests,
      errors,
      errorRatePct,
      p95Ms: round(p95Ms, 1),
      durationMs: Math.round(performance.now() - started),
      problems,
    };
  };

  try {
    const url = new URL(step.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    return result([`"${step.url}" is not an http or https URL`]);
  }
  if (options.signal?.aborted) return result(['the load test was canceled before it started']);

  // Without a request count the step runs for its duration (10 s when it names neither, like autocannon).
  const amount = step.requests;
  const durationS =
    amount === undefined ? Math.max(1, Math.round((step.duration ?? 10_000) / 1000)) : undefined;
  const connections = amount !== undefined ? Math.min(step.concurrency, amount) : step.concurrency;
  let canceled = false;
  let cappedAt = false;
  const run = autocannonInWorker(
    {
      url: step.url,
      method: step.method,
      connections,
      ...(amount !== undefined ? { amount } : { duration: durationS }),
      timeout: options.requestTimeoutS ?? 10,
      bailout: amount ?? undefined,
    },
    options.onProgress,
  );
  const onAbort = () => {
    canceled = true;
    run.stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const cap = setTimeout(() => {
    cappedAt = true;
    run.stop();
  }, options.maxRunMs ?? 300_000);

  let measured: AutocannonRun;
  try {
    measured = await run.done;
  } catch (error) {
    return result([`the load test could not run: ${error instanceof Error ? error.message : String(error)}`]);
  } finally {
    clearTimeout(cap);
    options.signal?.removeEventListener('abort', onAbort);
  }
  const { responses, failedAnswers, requestErrors } = measured;
  const latencies = new LatencyHistogram(measured.buckets);

  const requests = responses + requestErrors;
  const errors = failedAnswers + requestErrors;
  const errorRatePct = requests > 0 ? (errors / requests) * 100 : 0;
  const p95Ms = latencies.percentile(95);
  const problems: string[] = [];
  if (canceled) problems.push('the load test was canceled');
  if (cappedAt)
    problems.push(`the load test was stopped after ${formatDuration(options.maxRunMs ?? 300_000)}`);
  if (requests === 0) {
    problems.push(`no request to ${step.url} was made or answered`);
  } else {
    if (responses === 0) problems.push(`no request to ${step.url} got an answer (${requestErrors} errors)`);
    if (errorRatePct > step.maxErrorRatePct) {
      problems.push(`error rate ${round(errorRatePct)}% is above the ${step.maxErrorRatePct}% allowed`);
    }
    if (responses > 0 && p95Ms > step.maxP95) {
      problems.push(`p95 ${formatDuration(p95Ms)} is above the ${formatDuration(step.maxP95)} allowed`);
    }
    if (amount !== undefined && !canceled && !cappedAt && requests < amount) {
      problems.push(`only ${requests} of the ${amount} requests were made`);
    }
  }
  return result(problems, requests, errors, p95Ms);
}

/** A load step's result in the shape the engine records: one line of detail and evidence rows. */
export type LoadStepOutcome = StepOutcome<LoadResult>;

export async function runLoadStep(step: LoadStep, options: LoadOptions = {}): Promise<LoadStepOutcome> {
  const result = await runLoad(step, options);
  const summary = `${result.requests} requests, ${result.errorRatePct}% errors, p95 ${formatDuration(result.p95Ms)}`;
  return {
    ok: result.ok,
    detail: [...result.problems, summary].join('; '),
    evidence: [
      measuredEvidence(step.id, 'error-rate', {
        value: result.requests > 0 ? result.errorRatePct : null,
        limit: `<= ${step.maxErrorRatePct}%`,
        ok: result.requests > 0 && result.errorRatePct <= step.maxErrorRatePct,
        detail: `error rate ${result.errorRatePct}%`,
      }),
      measuredEvidence(step.id, 'p95', {
        value: result.requests > result.errors ? result.p95Ms : null,
        limit: `<= ${formatDuration(step.maxP95)}`,
        ok: result.requests > result.errors && result.p95Ms <= step.maxP95,
        detail: `p95 ${formatDuration(result.p95Ms)}`,
      }),
    ],
    durationMs: result.durationMs,
    result,
  };
}
