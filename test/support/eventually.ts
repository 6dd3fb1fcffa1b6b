/**
 * How long an in-process check may take to come true. A render, an effect or a lone ESC told from
 * the start of a sequence takes milliseconds on an idle machine and has taken over a second on two
 * cores shared with other test files and other people's runs: counting loop turns (100 x 10 ms)
 * is a budget that shrinks exactly when the machine is busy.
 */
export const EVENTUALLY_MS = 10_000;

/**
 * Polls `check` until it holds or `timeoutMs` of wall time has passed; returns its last answer, for
 * an `expect` that says what was awaited. A check that holds returns at once, so a passing test
 * pays nothing for the budget.
 */
export async function eventually(check: () => boolean, timeoutMs = EVENTUALLY_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return check();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
