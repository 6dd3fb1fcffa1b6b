import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  evidenceFromCobertura,
  evidenceFromJson,
  evidenceFromRegex,
  evidenceFromTestSummary,
  evidenceMissing,
  judgeEvidence,
} from '../../../src/core/evidence/extract.js';
import type { EvidenceRule } from '../../../src/core/runbook/schema.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/evidence/${name}`, import.meta.url), 'utf8');
const coverageRule: EvidenceRule = { id: 'unit-coverage', fact: 'coverage', from: 'json', min: 80 };

describe('evidence extraction', () => {
  it('reads line coverage from an istanbul coverage-summary.json', () => {
    expect(evidenceFromJson(coverageRule, fixture('coverage-summary.json'))).toBe(85);
    expect(
      evidenceFromJson({ ...coverageRule, pointer: 'total.branches.pct' }, fixture('coverage-summary.json')),
    ).toBe(76.54);
  });

  it('gives null for a pointer that leads nowhere or to something that is not a number', () => {
    expect(
      evidenceFromJson({ ...coverageRule, pointer: 'total.nothing.pct' }, fixture('coverage-summary.json')),
    ).toBeNull();
    expect(
      evidenceFromJson(
        { ...coverageRule, pointer: 'total.branchesTrue.pct' },
        fixture('coverage-summary.json'),
      ),
    ).toBeNull();
    expect(evidenceFromJson(coverageRule, '{not json')).toBeNull();
  });

  it('reads the Cobertura line-rate of the whole report, not of a package', () => {
    expect(evidenceFromCobertura(coverageRule, fixture('coverage.xml'))).toBe(71.98);
    expect(evidenceFromCobertura(coverageRule, '<report/>')).toBeNull();
  });

  it('reads the last match of a regex over the output', () => {
    const rule: EvidenceRule = {
      id: 'cov',
      fact: 'coverage',
      from: 'regex',
      pattern: 'TOTAL\\s+\\d+\\s+\\d+\\s+(\\d+)%',
    };
    const output = 'Name   Stmts   Miss  Cover\nTOTAL   100   50   50%\nrerun\nTOTAL   2816   420   85%\n';
    expect(evidenceFromRegex(rule, output)).toBe(85);
    expect(evidenceFromRegex(rule, 'nothing here')).toBeNull();
    expect(evidenceFromRegex({ ...rule, pattern: '(unclosed' }, output)).toBeNull();
  });

  it('reads test counts from the runner summary for the test facts', () => {
    const output = '=== 2 failed, 845 passed in 3.2s ===';
    expect(
      evidenceFromTestSummary({ id: 'failed', fact: 'tests-failed', from: 'test-summary', max: 0 }, output),
    ).toBe(2);
    expect(
      evidenceFromTestSummary({ id: 'passed', fact: 'tests-passed', from: 'test-summary' }, output),
    ).toBe(845);
  });
});

describe('judgeEvidence', () => {
  it('passes coverage at or above the minimum and says so', () => {
    expect(judgeEvidence(coverageRule, 85)).toEqual({
      id: 'unit-coverage',
      fact: 'coverage',
      value: 85,
      limit: '>= 80%',
      ok: true,
      detail: 'coverage 85% >= 80%',
    });
    expect(judgeEvidence(coverageRule, 80).ok).toBe(true);
  });

  it('fails coverage below the minimum', () => {
    const judged = judgeEvidence(coverageRule, 72);
    expect(judged.ok).toBe(false);
    expect(judged.detail).toBe('coverage 72% < 80% required');
  });

  it('fails a count above its maximum', () => {
    const judged = judgeEvidence({ id: 'failed', fact: 'tests-failed', from: 'test-summary', max: 0 }, 2);
    expect(judged).toMatchObject({ ok: false, limit: '<= 0', detail: 'tests-failed 2 > 0 allowed' });
  });

  it('never passes missing evidence', () => {
    expect(judgeEvidence(coverageRule, null)).toMatchObject({
      ok: false,
      value: null,
      detail: 'no coverage value was found',
    });
  });

  it('describes evidence whose source is missing by its rule, its limit and what is missing', () => {
    expect(
      evidenceMissing(
        { ...coverageRule, min: 85, path: 'coverage.json' },
        'coverage.json was not found in /work/app after the command ran',
      ),
    ).toEqual({
      id: 'unit-coverage',
      fact: 'coverage',
      value: null,
      limit: '>= 85%',
      ok: false,
      detail:
        'evidence unit-coverage (coverage >= 85%) has no value: coverage.json was not found in /work/app after the command ran',
    });
  });
});
