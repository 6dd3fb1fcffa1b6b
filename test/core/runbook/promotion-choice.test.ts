import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseRunbook } from '../../../src/core/runbook/parse.js';
import { choosePromotion } from '../../../src/core/runbook/promotion-choice.js';
import type { Promotion, Runbook } from '../../../src/core/runbook/schema.js';

const seedText = readFileSync(new URL('../../../runbooks/bbws.yaml', import.meta.url).pathname, 'utf8');

function seed(): Runbook {
  const result = parseRunbook(seedText, 'runbooks/bbws.yaml');
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.runbook;
}

const seedRunbook = seed();
const byId = (id: string): Promotion => {
  const found = seedRunbook.promotions.find((p) => p.id === id);
  if (!found) throw new Error(`the seed has no promotion ${id}`);
  return found;
};
// The seed: dev-to-sit has no canary step, sit-to-prod has one.
const noCanary = byId('dev-to-sit');
const withCanary = byId('sit-to-prod');
const renamed = (p: Promotion, id: string): Promotion => ({ ...p, id });
const withPromotions = (...promotions: Promotion[]): Runbook => ({ ...seedRunbook, promotions });

const chosenId = (runbook: Runbook, requested: string | undefined, purpose: 'rehearse' | 'start') => {
  const choice = choosePromotion(runbook, 'team.yaml', requested, purpose);
  return choice.ok ? choice.promotion.id : `problem: ${choice.message}`;
};

describe('the promotion a command runs when none is named', () => {
  it("is the runbook's only promotion, with or without a canary step", () => {
    for (const purpose of ['rehearse', 'start'] as const) {
      expect(chosenId(withPromotions(noCanary), undefined, purpose)).toBe('dev-to-sit');
      expect(chosenId(withPromotions(withCanary), undefined, purpose)).toBe('sit-to-prod');
    }
  });

  it('is the only promotion with a canary step among several (the seed: sit-to-prod)', () => {
    expect(seedRunbook.promotions.map((p) => p.id)).toEqual(['dev-to-sit', 'sit-to-prod']);
    for (const purpose of ['rehearse', 'start'] as const) {
      expect(chosenId(seedRunbook, undefined, purpose)).toBe('sit-to-prod');
      expect(
        chosenId(withPromotions(withCanary, noCanary, renamed(noCanary, 'qa-to-sit')), undefined, purpose),
      ).toBe('sit-to-prod');
    }
  });

  it('is, for a rehearsal, the first with a canary step when several have one', () => {
    const runbook = withPromotions(noCanary, renamed(withCanary, 'sit-to-dr'), withCanary);
    expect(chosenId(runbook, undefined, 'rehearse')).toBe('sit-to-dr');
  });

  it('is, for a rehearsal, the first promotion when none has a canary step', () => {
    const runbook = withPromotions(renamed(noCanary, 'qa-to-sit'), noCanary);
    expect(chosenId(runbook, undefined, 'rehearse')).toBe('qa-to-sit');
  });

  it('is asked for by start when several have a canary step: one sentence naming them', () => {
    const runbook = withPromotions(noCanary, renamed(withCanary, 'sit-to-dr'), withCanary);
    const choice = choosePromotion(runbook, 'team.yaml', undefined, 'start');
    expect(choice).toEqual({
      ok: false,
      message:
        'team.yaml has 2 promotions with a canary step, so none is the default: name one with --promotion (sit-to-dr, sit-to-prod).',
    });
  });

  it('is asked for by start when several promotions have no canary step', () => {
    const runbook = withPromotions(renamed(noCanary, 'qa-to-sit'), noCanary);
    const choice = choosePromotion(runbook, 'team.yaml', undefined, 'start');
    expect(choice).toEqual({
      ok: false,
      message:
        'team.yaml has 2 promotions and none with a canary step, so none is the default: name one with --promotion (qa-to-sit, dev-to-sit).',
    });
  });
});

describe('a promotion named with --promotion', () => {
  it('is taken as named, even one the default would not pick', () => {
    expect(chosenId(seedRunbook, 'dev-to-sit', 'start')).toBe('dev-to-sit');
    const several = withPromotions(renamed(withCanary, 'sit-to-dr'), withCanary);
    expect(chosenId(several, 'sit-to-prod', 'start')).toBe('sit-to-prod');
  });

  it('that the runbook lacks is refused with the ones it has', () => {
    expect(chosenId(seedRunbook, 'sit-to-qa', 'rehearse')).toBe(
      'problem: team.yaml has no promotion "sit-to-qa": use one of dev-to-sit, sit-to-prod.',
    );
  });
});
