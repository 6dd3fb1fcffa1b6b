import type { Promotion, Runbook } from './schema.js';

/**
 * What a command is for when it picks a promotion nobody named: a rehearsal moves nothing real, so
 * it may take the first likely edge; `start` moves real traffic, so it asks instead of guessing.
 */
export type PromotionPurpose = 'rehearse' | 'start';

export type PromotionChoice = { ok: true; promotion: Promotion } | { ok: false; message: string };

function hasCanary(promotion: Promotion): boolean {
  return promotion.phases.some((phase) => phase.steps.some((step) => step.kind === 'canary'));
}

const ids = (promotions: readonly Promotion[]) => promotions.map((p) => p.id).join(', ');

/**
 * The promotion a command runs: the one named with --promotion, else the runbook's only promotion,
 * else its only one with a canary step; with several canaries (or none) a rehearsal takes the first
 * of them (or the first promotion), while `start` says which promotions there are. `file` is how the
 * runbook is named in the message.
 */
export function choosePromotion(
  runbook: Runbook,
  file: string,
  requested: string | undefined,
  purpose: PromotionPurpose,
): PromotionChoice {
  const all = runbook.promotions;
  if (requested !== undefined) {
    const named = all.find((p) => p.id === requested);
    return named
      ? { ok: true, promotion: named }
      : { ok: false, message: `${file} has no promotion "${requested}": use one of ${ids(all)}.` };
  }
  if (all.length === 1) return { ok: true, promotion: all[0] };
  const canaries = all.filter(hasCanary);
  if (canaries.length === 1) return { ok: true, promotion: canaries[0] };
  if (purpose === 'rehearse') return { ok: true, promotion: canaries[0] ?? all[0] };
  return {
    ok: false,
    message:
      canaries.length === 0
        ? `${file} has ${all.length} promotions and none with a canary step, so none is the default: name one with --promotion (${ids(all)}).`
        : `${file} has ${canaries.length} promotions with a canary step, so none is the default: name one with --promotion (${ids(canaries)}).`,
  };
}
