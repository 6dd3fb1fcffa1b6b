import type { CanaryBand, CanaryStep } from '../runbook/schema.js';
import type { ExtraValue } from './extra-metrics.js';
import { metricWords } from './target-metrics.js';
import type { SeriesStats, Verdict } from './verdict.js';
import { verdictRank, worstVerdict } from './verdict.js';

export type { SeriesStats, Verdict } from './verdict.js';

/**
 * Judging one canary sample against the runbook's bands (issue #5, seed 5.2, 8.2, 10.1).
 *
 * A band's figures are the edge above which a sample leaves that band, so with the bbws figures
 * (pass 0.5% / +10%, no-go 1% / +20%, rollback 5% / +100%):
 *   error 0.4%  -> PASS;  0.8% -> WATCH;  1.5% -> NO-GO;  6% -> ROLLBACK.
 * Values exactly at an edge stay inside (5.2 "< 0.5%" is read as "not above 0.5%").
 *
 * Decisions taken where the seed and issue are silent:
 * - Throttles are counts, meaningful at any traffic: a band with `maxThrottles` is judged even when
 *   the canary has too few requests for its rates to mean anything.
 * - Fewer canary requests than `minRequests` -> INSUFFICIENT (unless throttles alone breach a band).
 * - The p95 is compared with the baseline's. With baseline 'stable', a baseline with fewer than
 *   `minRequests` requests (e.g. at 100%, when the stable version has no traffic left) gives no p95 to
 *   compare against: the error rate is still judged, but the sample cannot PASS or WATCH on it, so
 *   it is INSUFFICIENT. The engine should pass the last good baseline (e.g. from the previous stage) as
 *   `baseline` for such stages, or the runbook should name a fixed baseline.
 * - An incomplete sample (`complete: false`, CloudWatch still filling the window) cannot PASS or WATCH
 *   (-> INSUFFICIENT), but a breach it shows stands: rolling back is the safe direction.
 */
export interface BandLimits {
  errorRatePct: number;
  /** null when there is no baseline p95 to compare against. */
  p95Ms: number | null;
  maxThrottles?: number;
}

export interface TargetLimits {
  pass: BandLimits;
  nogo: BandLimits;
  rollback: BandLimits;
  /** The p95 the limits are computed from (the stable version's, or the runbook's fixed baseline). */
  baselineP95Ms: number | null;
  minRequests: number;
}

export interface TargetJudgement {
  targetId: string;
  label: string;
  verdict: Verdict;
  /** One sentence each, worst first. */
  reasons: string[];
  canary: SeriesStats;
  baseline: SeriesStats;
  limits: TargetLimits;
}

export interface TargetSample {
  /** 'apigateway' or the Lambda function name. */
  targetId: string;
  label: string;
  canary: SeriesStats;
  baseline: SeriesStats;
  /**
   * False when the sampling window is not fully reported yet (a series came back PartialData, or
   * the newest period of the window has no data yet).
   */
  complete: boolean;
}

/** One metrics read: a sample per target, the runbook's extra metrics, and the calls it took. */
export interface MetricsResult {
  targets: TargetSample[];
  extra: ExtraValue[];
  /** GetMetricData calls made for this read: 1 unless CloudWatch paged the answer. */
  calls: number;
}

export type Sample = { targets: TargetSample[] } | { stale: true; reason: string };

export interface SampleJudgement {
  verdict: Verdict;
  targets: TargetJudgement[];
  reasons: string[];
}

function pct(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

/** A band's p95 limit over a baseline p95: the one formula the verdict and the charts use. */
export function p95Limit(band: Pick<CanaryBand, 'p95OverBaselinePct'>, baselineP95Ms: number): number {
  return (baselineP95Ms * (100 + band.p95OverBaselinePct)) / 100;
}

function bandLimits(band: CanaryBand, baselineP95Ms: number | null): BandLimits {
  return {
    errorRatePct: band.errorRatePct,
    p95Ms: baselineP95Ms === null ? null : p95Limit(band, baselineP95Ms),
    maxThrottles: band.maxThrottles,
  };
}

function baselineP95(step: CanaryStep, baseline: SeriesStats): number | null {
  if (step.baseline !== 'stable') return step.baseline.p95;
  if (baseline.p95Ms === null || baseline.requests < step.minRequests) return null;
  return baseline.p95Ms;
}

/** Which band a single figure falls in, as the verdict it gives. */
function place(
  value: number,
  limits: TargetLimits,
  pick: (band: BandLimits) => number | null | undefined,
): Verdict {
  const above = (band: BandLimits) => {
    const edge = pick(band);
    return edge !== null && edge !== undefined && value > edge;
  };
  if (above(limits.rollback)) return 'ROLLBACK';
  if (above(limits.nogo)) return 'NO-GO';
  if (above(limits.pass)) return 'WATCH';
  return 'PASS';
}

const BAND_NAME: Record<Verdict, string> = {
  ROLLBACK: 'rollback',
  'NO-GO': 'no-go',
  WATCH: 'pass',
  PASS: 'pass',
  INSUFFICIENT: '',
  STALE: '',
};

/** The edge that was crossed (or, for PASS, the pass edge), for the reason text. */
function edgeFor(
  verdict: Verdict,
  limits: TargetLimits,
  pick: (band: BandLimits) => number | null | undefined,
) {
  const band = verdict === 'ROLLBACK' ? limits.rollback : verdict === 'NO-GO' ? limits.nogo : limits.pass;
  return pick(band);
}

/** The target's declared metrics, found by the sample's target id ('apigateway' or the function name). */
function declaredMetrics(step: CanaryStep, targetId: string) {
  if (targetId === 'apigateway') return step.targets.apiGateway?.metrics;
  return step.targets.lambdas.find((target) => target.functionName === targetId)?.metrics;
}

export function judgeTarget(step: CanaryStep, sample: TargetSample): TargetJudgement {
  const { canary } = sample;
  const declared = declaredMetrics(step, sample.targetId);
  const words = metricWords(declared);
  // A team's own error metric is shown beside the stable version's figure: the same metric,
  // the same dimensions but the version, is what makes the comparison mean something.
  const baselineRate =
    declared?.errors && sample.baseline.errorRatePct !== null
      ? ` (baseline ${pct(sample.baseline.errorRatePct)})`
      : '';
  const baseP95 = baselineP95(step, sample.baseline);
  const limits: TargetLimits = {
    pass: bandLimits(step.bands.pass, baseP95),
    nogo: bandLimits(step.bands.nogo, baseP95),
    rollback: bandLimits(step.bands.rollback, baseP95),
    baselineP95Ms: baseP95,
    minRequests: step.minRequests,
  };
  const findings: Array<{ verdict: Verdict; reason: string }> = [];

  // Throttles first: judged at any traffic level.
  const throttleVerdict = place(canary.throttles, limits, (b) => b.maxThrottles);
  if (throttleVerdict !== 'PASS') {
    const edge = edgeFor(throttleVerdict, limits, (b) => b.maxThrottles);
    findings.push({
      verdict: throttleVerdict,
      reason: `${canary.throttles} throttle(s), more than the ${BAND_NAME[throttleVerdict]} limit of ${edge}.`,
    });
  }

  const enoughTraffic = canary.requests >= step.minRequests && canary.errorRatePct !== null;
  if (!enoughTraffic) {
    findings.push({
      verdict: 'INSUFFICIENT',
      reason: `Only ${canary.requests} canary request(s) (${canary.errors} failed); at least ${step.minRequests} are needed to judge.`,
    });
  } else {
    const errorRate = canary.errorRatePct!;
    const errorVerdict = place(errorRate, limits, (b) => b.errorRatePct);
    const errorEdge = edgeFor(errorVerdict, limits, (b) => b.errorRatePct)!;
    findings.push({
      verdict: errorVerdict,
      reason:
        errorVerdict === 'PASS'
          ? `${words.errors} ${pct(errorRate)}${baselineRate} within the pass limit of ${pct(errorEdge)}.`
          : `${words.errors} ${pct(errorRate)}${baselineRate} above the ${BAND_NAME[errorVerdict]} limit of ${pct(errorEdge)}.`,
    });

    if (canary.p95Ms === null) {
      findings.push({ verdict: 'INSUFFICIENT', reason: `The canary reported no ${words.latency} latency.` });
    } else if (baseP95 === null) {
      findings.push({
        verdict: 'INSUFFICIENT',
        reason: `${words.latency} ${ms(canary.p95Ms)} cannot be judged: the stable version had fewer than ${step.minRequests} requests to compare with.`,
      });
    } else {
      const p95 = canary.p95Ms;
      const p95Verdict = place(p95, limits, (b) => b.p95Ms);
      const overPct = baseP95 > 0 ? ((p95 - baseP95) / baseP95) * 100 : 0;
      const relation = `${ms(p95)} (${overPct >= 0 ? '+' : ''}${pct(overPct)} vs baseline ${ms(baseP95)})`;
      const band =
        p95Verdict === 'ROLLBACK'
          ? step.bands.rollback
          : p95Verdict === 'NO-GO'
            ? step.bands.nogo
            : step.bands.pass;
      findings.push({
        verdict: p95Verdict,
        reason:
          p95Verdict === 'PASS'
            ? `${words.latency} ${relation} within the pass limit of +${pct(band.p95OverBaselinePct)}.`
            : `${words.latency} ${relation} above the ${BAND_NAME[p95Verdict]} limit of +${pct(band.p95OverBaselinePct)}.`,
      });
    }
  }

  if (!sample.complete) {
    findings.push({
      verdict: 'INSUFFICIENT',
      reason: 'CloudWatch has not reported the whole window yet; this sample cannot count as a pass.',
    });
  }

  const verdict = worstVerdict(findings.map((f) => f.verdict)) ?? 'INSUFFICIENT';
  const reasons = [...findings]
    .sort((a, b) => verdictRank(b.verdict) - verdictRank(a.verdict))
    .map((f) => f.reason);
  return {
    targetId: sample.targetId,
    label: sample.label,
    verdict,
    reasons,
    canary,
    baseline: sample.baseline,
    limits,
  };
}

/**
 * One sample of the whole canary: every target judged on its own series, the worst decides
 * (ROLLBACK > NO-GO > STALE > INSUFFICIENT > WATCH > PASS, see VERDICT_SEVERITY).
 * A sample with no targets is INSUFFICIENT: nothing was observed.
 */
export function judgeSample(step: CanaryStep, sample: Sample): SampleJudgement {
  if ('stale' in sample) {
    return { verdict: 'STALE', targets: [], reasons: [`Metrics are stale: ${sample.reason}`] };
  }
  if (sample.targets.length === 0) {
    return {
      verdict: 'INSUFFICIENT',
      targets: [],
      reasons: ['No target reported any metrics in this sample.'],
    };
  }
  const targets = sample.targets.map((target) => judgeTarget(step, target));
  const verdict = worstVerdict(targets.map((t) => t.verdict))!;
  const deciding = targets.filter((t) => t.verdict === verdict);
  const reasons =
    verdict === 'PASS'
      ? [`All ${targets.length} target(s) within the pass band.`]
      : deciding.map((t) => `${t.label}: ${t.reasons[0]}`);
  return { verdict, targets, reasons };
}
