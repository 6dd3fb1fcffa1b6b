/**
 * Which unfinished session matters now, in the same words everywhere: the resume picker, the list
 * a non-interactive `conductor resume` prints, and `conductor sessions`.
 */

/** One session `conductor resume` without an id could mean. */
export interface ResumeChoice {
  id: string;
  title: string;
  status: string;
  /** The title of the step it is on ('' when none). */
  currentStep?: string;
  /** Some traffic is on the new version (the journal says so). */
  shifted: boolean;
  /** An engine runs for it (guarding alone, or driven from a screen). */
  guarded: boolean;
  /** A screen is attached to that engine now: resuming takes its seat. */
  attached?: boolean;
  updatedAt: number;
}

/**
 * 0 is the most urgent: traffic on the new version with no engine watching it, then traffic
 * shifted under a guard, then an engine without traffic, then the rest.
 */
export function urgencyOf(choice: Pick<ResumeChoice, 'shifted' | 'guarded'>): number {
  if (choice.shifted) return choice.guarded ? 1 : 0;
  return choice.guarded ? 2 : 3;
}

/** Most urgent first; among equals the most recently updated first. */
export function mostUrgentFirst<T extends ResumeChoice>(choices: readonly T[]): T[] {
  return [...choices].sort(
    (a, b) => urgencyOf(a) - urgencyOf(b) || b.updatedAt - a.updatedAt || a.id.localeCompare(b.id),
  );
}

export interface ChoiceFact {
  text: 'traffic shifted' | 'engine guarding' | 'screen attached' | 'no engine guarding';
  tone: 'danger' | 'warn' | 'info';
}

/** What makes a session matter now: traffic shifted, and who watches it (an engine alone, a screen, nobody). */
export function choiceFacts(choice: Pick<ResumeChoice, 'shifted' | 'guarded' | 'attached'>): ChoiceFact[] {
  const facts: ChoiceFact[] = [];
  if (choice.shifted) facts.push({ text: 'traffic shifted', tone: 'danger' });
  if (choice.guarded)
    facts.push(
      choice.attached ? { text: 'screen attached', tone: 'info' } : { text: 'engine guarding', tone: 'warn' },
    );
  else if (choice.shifted) facts.push({ text: 'no engine guarding', tone: 'danger' });
  return facts;
}
