import type { EvidenceRule } from '../runbook/schema.js';
import { testSummary } from './test-summary.js';

export { type TestSummary, testSummary } from './test-summary.js';

/** One number read from a command's results, judged against the runbook's limits. */
export interface EvidenceValue {
  id: string;
  fact: EvidenceRule['fact'];
  value: number | null;
  /** The runbook's limit as text, e.g. ">= 80%" or "<= 0". */
  limit?: string;
  ok: boolean;
  /** One line for the checklist and the report, e.g. "coverage 85% >= 80%". */
  detail: string;
}

/** Where each kind of evidence is found when the runbook names no file. */
export const DEFAULT_EVIDENCE_PATHS = {
  json: 'coverage/coverage-summary.json',
  cobertura: 'coverage.xml',
} as const;

/** istanbul's coverage-summary.json keeps the line percentage here. */
export const DEFAULT_JSON_POINTER = 'total.lines.pct';

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value.trim().replace(/%$/, ''));
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** The number at a dot path (`total.lines.pct`) inside a JSON text; null when absent or unreadable. */
export function evidenceFromJson(rule: EvidenceRule, jsonText: string): number | null {
  let node: unknown;
  try {
    node = JSON.parse(jsonText);
  } catch {
    return null;
  }
  for (const key of (rule.pointer ?? DEFAULT_JSON_POINTER).split('.').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  return toNumber(node);
}

/** Cobertura's line-rate (0..1) on the root <coverage> element, as a percentage. */
export function evidenceFromCobertura(_rule: EvidenceRule, xmlText: string): number | null {
  const root = /<coverage\b([^>]*)>/.exec(xmlText);
  if (!root) return null;
  const rate = /\bline-rate\s*=\s*["']([^"']+)["']/.exec(root[1]);
  const value = rate ? toNumber(rate[1]) : null;
  if (value === null || value < 0 || value > 1) return null;
  return Math.round(value * 10_000) / 100;
}

/**
 * The first capture group of the rule's pattern, as a number. The LAST match wins: runners print
 * their summary at the end, after any earlier numbers that happen to match.
 */
export function evidenceFromRegex(rule: EvidenceRule, output: string): number | null {
  if (!rule.pattern) return null;
  let pattern: RegExp;
  try {
    pattern = new RegExp(rule.pattern, 'gm');
  } catch {
    return null;
  }
  let value: number | null = null;
  for (const match of output.matchAll(pattern)) {
    const parsed = toNumber(match[1] ?? match[0]);
    if (parsed !== null) value = parsed;
  }
  return value;
}

/** Passed or failed test count from the runner's own summary, for the test facts. */
export function evidenceFromTestSummary(rule: EvidenceRule, output: string): number | null {
  const summary = testSummary(output);
  if (!summary) return null;
  if (rule.fact === 'tests-failed') return summary.failed;
  if (rule.fact === 'tests-passed') return summary.passed;
  return null;
}

function unitOf(fact: EvidenceRule['fact']): string {
  return fact === 'coverage' ? '%' : '';
}

function label(rule: EvidenceRule): string {
  return rule.fact === 'custom' ? rule.id : rule.fact;
}

function formatNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The runbook's limits as text: ">= 80%", "<= 0", "between 1 and 5". */
export function limitText(rule: EvidenceRule): string | undefined {
  const unit = unitOf(rule.fact);
  if (rule.min !== undefined && rule.max !== undefined) {
    return `between ${formatNumber(rule.min)}${unit} and ${formatNumber(rule.max)}${unit}`;
  }
  if (rule.min !== undefined) return `>= ${formatNumber(rule.min)}${unit}`;
  if (rule.max !== undefined) return `<= ${formatNumber(rule.max)}${unit}`;
  return undefined;
}

/**
 * A rule whose source is missing or unreadable (no file, a stale file, no number in it, no match in
 * the output): no value, not ok, and one line naming the rule, what it holds to and why it has nothing.
 */
export function evidenceMissing(rule: EvidenceRule, why: string): EvidenceValue {
  const limit = limitText(rule);
  const held = `${rule.fact}${limit ? ` ${limit}` : ''}`;
  return {
    ...judgeEvidence(rule, null),
    detail: `evidence ${rule.id} (${held}) has no value: ${why}`,
  };
}

/** Compare a value with the rule's min/max. A missing value is never ok: no evidence, no GO. */
export function judgeEvidence(rule: EvidenceRule, value: number | null): EvidenceValue {
  const limit = limitText(rule);
  const name = label(rule);
  const unit = unitOf(rule.fact);
  if (value === null) {
    return { id: rule.id, fact: rule.fact, value, limit, ok: false, detail: `no ${name} value was found` };
  }
  const shown = `${name} ${formatNumber(value)}${unit}`;
  const belowMin = rule.min !== undefined && value < rule.min;
  const aboveMax = rule.max !== undefined && value > rule.max;
  if (belowMin) {
    return {
      id: rule.id,
      fact: rule.fact,
      value,
      limit,
      ok: false,
      detail: `${shown} < ${formatNumber(rule.min!)}${unit} required`,
    };
  }
  if (aboveMax) {
    return {
      id: rule.id,
      fact: rule.fact,
      value,
      limit,
      ok: false,
      detail: `${shown} > ${formatNumber(rule.max!)}${unit} allowed`,
    };
  }
  return {
    id: rule.id,
    fact: rule.fact,
    value,
    limit,
    ok: true,
    detail: limit ? `${shown} ${limit}` : shown,
  };
}
