import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SHIPPED = fileURLToPath(new URL('../../runbooks/bbws.yaml', import.meta.url));

export interface TestBbwsOptions {
  /** The SIT performance baseline (the go/no-go allows +10%). Default 20 s: out of the way. */
  baselineP95?: string;
  /** Requests of each SIT load test. Default 200. */
  loadRequests?: number;
  /**
   * The canary's automatic-rollback countdown (real seconds even at a rehearsal's speed: the
   * shipped 30 s would cost each test that waits it out 30 real seconds). Default the shipped one.
   */
  rollbackCountdown?: string;
  /** A lower rollback error rate (8 % errors then never dip out of the band by chance). */
  rollbackErrorRatePct?: number;
  /**
   * Shorter canary stages and monitoring, in minutes (the shipped 15 each and 120), for a test that
   * walks the canary at a speed a busy machine still judges every sample at: titles say the same.
   * `hold` is one figure for every stage or one per stage (10%, 25%, 50%, 100%): a test that acts
   * in the 25% stage passes through 10% quickly and keeps 25% long enough to land a key in.
   */
  canaryMinutes?: { hold?: number | number[]; monitor?: number };
}

/**
 * The BBWS runbook as shipped, but for its SIT load tests, which measure real loopback latency
 * against the in-process sandbox: on two shared cores 1000 requests at concurrency 100 have measured
 * 276-476 ms against the shipped 250 ms baseline and turned a healthy rehearsal's go/no-go into
 * NO-GO. So the baseline is `baselineP95` (20 s unless a test is about it), the step's own p95
 * ceiling 30 s, and 200 requests, which judge a load test here as well as 1000 in a fifth of the
 * real time. Every other step, gate and canary band is the shipped one.
 */
export function testBbwsText(options: TestBbwsOptions = {}): string {
  const shipped = readFileSync(SHIPPED, 'utf8');
  const text = shipped
    .replace(/baselineP95: 250ms/g, `baselineP95: ${options.baselineP95 ?? '20s'}`)
    .replace(/maxP95: 1s/g, 'maxP95: 30s')
    .replace(/requests: 1000\n/g, `requests: ${options.loadRequests ?? 200}\n`);
  if (!/baselineP95: 250ms/.test(shipped) || !/requests: 1000\n/.test(shipped))
    throw new Error('runbooks/bbws.yaml no longer has the load steps these tests shorten and relax');
  return withShorterCanary(withRollbackBand(text, options), options);
}

function withShorterCanary(text: string, options: TestBbwsOptions): string {
  const minutes = options.canaryMinutes;
  if (!minutes) return text;
  let out = text;
  const replace = (pattern: RegExp, replacement: (match: string, ...groups: string[]) => string) => {
    if (!pattern.test(out)) throw new Error(`the seed runbook no longer has ${pattern}`);
    out = out.replace(pattern, replacement);
  };
  if (minutes.hold !== undefined) {
    const holds = [minutes.hold].flat();
    let stage = 0;
    replace(/(\{ weight: \d+, hold: )15m( \})/g, (_match, before, after) => {
      const hold = holds[Math.min(stage++, holds.length - 1)];
      return `${before}${hold}m${after}`;
    });
  }
  if (minutes.monitor !== undefined) {
    replace(/Extended monitoring \(2 hours\)/, () => `Extended monitoring (${minutes.monitor} minutes)`);
    replace(/Watch PROD for 2 hours/, () => `Watch PROD for ${minutes.monitor} minutes`);
    replace(/duration: 2h\n/, () => `duration: ${minutes.monitor}m\n`);
  }
  return out;
}

function withRollbackBand(text: string, options: TestBbwsOptions): string {
  let out = text;
  if (options.rollbackCountdown !== undefined) {
    const sustained = '            sustained: 3\n';
    if (!out.includes(sustained)) throw new Error('the seed runbook no longer sets sustained: 3');
    out = out.replace(sustained, `${sustained}            rollbackCountdown: ${options.rollbackCountdown}\n`);
  }
  if (options.rollbackErrorRatePct !== undefined) {
    const band = 'rollback: { errorRatePct: 5, p95OverBaselinePct: 100 }';
    if (!out.includes(band)) throw new Error('the seed runbook no longer has its rollback band');
    out = out.replace(
      band,
      `rollback: { errorRatePct: ${options.rollbackErrorRatePct}, p95OverBaselinePct: 100 }`,
    );
  }
  return out;
}
