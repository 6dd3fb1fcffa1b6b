/**
 * The release a rehearsal promotes when nobody names one, and the release it "rolls back to".
 * Made from the rehearsal's date, not taken from any team's runbook: the runbook format has no
 * field for an example version, and a date-stamped name looks like what most teams tag.
 */

const DAY_MS = 86_400_000;
/** How long before the rehearsed release the previous one was cut. */
const PREVIOUS_RELEASE_DAYS = 14;

/** "v2027.03.05.1": the first release of the day `at` (epoch ms) falls on, in UTC. */
export function rehearsalVersion(at: number): string {
  const date = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `v${date.getUTCFullYear()}.${pad(date.getUTCMonth() + 1)}.${pad(date.getUTCDate())}.1`;
}

/** The release a rehearsal's rollback goes back to: two weeks before the rehearsed one. */
export function rehearsalPreviousVersion(at: number): string {
  return rehearsalVersion(at - PREVIOUS_RELEASE_DAYS * DAY_MS);
}
