/** Test counts as a runner's own summary states them. */
export interface TestSummary {
  passed: number;
  failed: number;
  skipped?: number;
  /** Which runner's summary was recognised. */
  runner: 'jest' | 'vitest' | 'node' | 'mocha' | 'pytest' | 'go';
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

function lastMatch(text: string, pattern: RegExp): RegExpExecArray | undefined {
  let found: RegExpExecArray | undefined;
  const global = new RegExp(
    pattern.source,
    pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
  );
  for (let match = global.exec(text); match; match = global.exec(text)) found = match;
  return found;
}

/** "2 failed, 845 passed, 1 skipped" (in any order, any separator) -> counts by word. */
function countsByWord(parts: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of parts.matchAll(/(\d+)\s+([a-z]+)/gi)) {
    const word = match[2].toLowerCase();
    counts.set(word, (counts.get(word) ?? 0) + Number(match[1]));
  }
  return counts;
}

function fromCounts(
  counts: Map<string, number>,
  runner: TestSummary['runner'],
  failedWords: string[],
  skippedWords: string[],
): TestSummary {
  const sum = (words: string[]) => words.reduce((total, word) => total + (counts.get(word) ?? 0), 0);
  const skipped = sum(skippedWords);
  return {
    passed: counts.get('passed') ?? 0,
    failed: sum(failedWords),
    ...(skippedWords.some((word) => counts.has(word)) ? { skipped } : {}),
    runner,
  };
}

function jest(text: string): TestSummary | null {
  // Tests:       2 failed, 1 skipped, 845 passed, 848 total
  const match = lastMatch(text, /^\s*Tests:\s+(.*\d+ total.*)$/m);
  if (!match) return null;
  return fromCounts(countsByWord(match[1]), 'jest', ['failed'], ['skipped', 'todo']);
}

function vitest(text: string): TestSummary | null {
  // Tests  845 passed | 2 failed (847)   — "Test Files" has the same shape, so the word must be alone.
  const match = lastMatch(text, /^\s*Tests\s+(\d+ [a-z]+(?:\s*\|\s*\d+ [a-z]+)*)\s*\(\d+\)/m);
  if (!match) return null;
  return fromCounts(countsByWord(match[1]), 'vitest', ['failed'], ['skipped', 'todo']);
}

function nodeTest(text: string): TestSummary | null {
  // TAP reporter: "# pass 5"; spec reporter: "ℹ pass 5".
  const pass = lastMatch(text, /^(?:#|ℹ)\s*pass (\d+)\s*$/m);
  const fail = lastMatch(text, /^(?:#|ℹ)\s*fail (\d+)\s*$/m);
  if (!pass || !fail) return null;
  const skipped = lastMatch(text, /^(?:#|ℹ)\s*skipped (\d+)\s*$/m);
  return {
    passed: Number(pass[1]),
    failed: Number(fail[1]),
    ...(skipped ? { skipped: Number(skipped[1]) } : {}),
    runner: 'node',
  };
}

function mocha(text: string): TestSummary | null {
  const passing = lastMatch(text, /^\s*(\d+) passing\b/m);
  if (!passing) return null;
  const failing = lastMatch(text, /^\s*(\d+) failing\b/m);
  const pending = lastMatch(text, /^\s*(\d+) pending\b/m);
  return {
    passed: Number(passing[1]),
    failed: failing ? Number(failing[1]) : 0,
    ...(pending ? { skipped: Number(pending[1]) } : {}),
    runner: 'mocha',
  };
}

const PYTEST_WORDS = 'passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?|rerun';

function pytest(text: string): TestSummary | null {
  // ===== 2 failed, 845 passed, 3 warnings in 3.20s =====   and the plain "Unit: 847 passed, 0 failed".
  const line = new RegExp(
    `^[=\\s]*(?:[A-Za-z-]+:\\s*)?(\\d+ (?:${PYTEST_WORDS})(?:,\\s*\\d+ (?:${PYTEST_WORDS}))*)(?:\\s+in\\s+[\\d.]+s.*)?[=\\s]*$`,
    'm',
  );
  const match = lastMatch(text, line);
  if (!match) {
    if (/^=+ no tests ran\b/m.test(text)) return { passed: 0, failed: 0, runner: 'pytest' };
    return null;
  }
  return fromCounts(countsByWord(match[1]), 'pytest', ['failed', 'error', 'errors'], ['skipped']);
}

function goTest(text: string): TestSummary | null {
  // gotestsum: "DONE 12 tests, 1 skipped, 2 failures in 0.52s"
  const done = lastMatch(text, /^DONE (\d+) tests?((?:, \d+ [a-z]+)*) in /m);
  if (done) {
    const counts = countsByWord(done[2]);
    const failed = (counts.get('failure') ?? 0) + (counts.get('failures') ?? 0) + (counts.get('errors') ?? 0);
    const skipped = counts.get('skipped');
    return {
      passed: Number(done[1]) - failed - (skipped ?? 0),
      failed,
      ...(skipped !== undefined ? { skipped } : {}),
      runner: 'go',
    };
  }
  // go test -v: one "--- PASS: TestName (0.00s)" per test and subtest.
  const results = [...text.matchAll(/^\s*--- (PASS|FAIL|SKIP): /gm)].map((match) => match[1]);
  if (results.length === 0) return null;
  const skipped = results.filter((result) => result === 'SKIP').length;
  return {
    passed: results.filter((result) => result === 'PASS').length,
    failed: results.filter((result) => result === 'FAIL').length,
    ...(skipped ? { skipped } : {}),
    runner: 'go',
  };
}

/**
 * Test counts from the summary a runner prints: pytest, jest, vitest, mocha, go test (-v or gotestsum),
 * node --test. Null when no summary is recognised, so a command that printed nothing is never a pass.
 */
export function testSummary(output: string): TestSummary | null {
  const text = output.replace(ANSI, '').replace(/\r/g, '');
  for (const parse of [jest, vitest, nodeTest, mocha, goTest, pytest]) {
    const summary = parse(text);
    if (summary) return summary;
  }
  return null;
}
