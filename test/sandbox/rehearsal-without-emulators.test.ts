import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RehearsalSession, startRehearsal } from '../../src/wiring/rehearsal.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../e2e/terminal.js';
import { engineTestRunbook, tempHome } from '../engine/helpers.js';

/**
 * Issue 14, point 7: an install without the optional dependencies (`npm ci --omit=optional`) still
 * rehearses. The rehearsal's AWS process is the real one (dist/sandbox/aws-process.js, as the CLI
 * starts it) with Node unable to find dynalite and s3rver (test/sandbox/fixtures/without-emulators.mjs);
 * the runbook's commands, DynamoDB and S3 smoke tests included, must all pass.
 */

const WITHOUT_EMULATORS = fileURLToPath(new URL('fixtures/without-emulators.mjs', import.meta.url));

const SMOKE = [
  'prod-smoke-dynamodb-write',
  'prod-smoke-dynamodb-read',
  'prod-smoke-dynamodb-query',
  'prod-smoke-s3-upload',
  'prod-smoke-s3-download',
  'prod-smoke-s3-head',
];

let open: RehearsalSession | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

/** A rehearsal whose AWS process (a child, which inherits NODE_OPTIONS) has no emulator packages. */
async function rehearseWithoutEmulators(): Promise<RehearsalSession> {
  const before = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = [before, `--import=${pathToFileURL(WITHOUT_EMULATORS).href}`]
    .filter(Boolean)
    .join(' ');
  try {
    const start = Date.now();
    return await startRehearsal({
      runbookFile: engineTestRunbook(),
      promotionId: 'sit-to-prod',
      scenario: 'healthy',
      speed: 600,
      autopilot: true,
      home: tempHome(),
      aws: 'child',
      // What the CLI does: the installed AWS CLI if there is one, were the emulators there.
      awsStandin: false,
      window: { start: start - 60_000, end: start + 30 * 24 * 3_600_000 },
    });
  } finally {
    if (before === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = before;
  }
}

async function until(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a rehearsal without the emulator packages', () => {
  it('says so once, answers the runbook aws commands with the stand-in, and promotes', async () => {
    const r = await rehearseWithoutEmulators();
    open = r;
    const { sandboxUrl, dynamodbUrl, s3Url, emulatorProblem } = r.endpoints;
    expect(sandboxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dynamodbUrl).toBeUndefined();
    expect(s3Url).toBeUndefined();
    expect(emulatorProblem).toBe(
      'DynamoDB and S3 emulators not installed (`npm install --include=optional` adds them)',
    );
    const warnings = () =>
      r.store.readEvents(r.conductor.state.meta.sessionId).filter((e) => e.type === 'warning');
    expect(warnings().map((e) => e.message)).toEqual([
      `Rehearsal: ${emulatorProblem}; the runbook's aws commands get the AWS CLI stand-in's canned answers, the conductor's own AWS calls still reach the sandbox.`,
    ]);

    void r.conductor.start();
    await until(() => r.conductor.state.status === 'completed', 'the promotion', 150_000);
    const s = r.conductor.state;
    expect(s.outcome).toBe('promoted');
    expect(s.steps.filter((x) => x.status !== 'passed').map((x) => `${x.id}: ${x.status}`)).toEqual([]);
    // Said once, not again at each command.
    expect(warnings().filter((e) => e.message.includes('emulators'))).toHaveLength(1);
    const dir = r.store.dir(s.meta.sessionId);
    const log = (id: string) => readFileSync(join(dir, `${id}.1.log`), 'utf8');
    for (const id of SMOKE) expect(log(id)).not.toMatch(/no rehearsed answer|Could not connect/);
    // The stand-in answered: the item read back is the one written, the download is the upload.
    expect(log('prod-smoke-dynamodb-read')).toContain(`smoke-${s.meta.sessionId}`);
    expect(readFileSync(join(dir, 'work', 'smoke-download.txt'), 'utf8')).toBe(
      `conductor smoke test ${s.meta.sessionId}\n`,
    );
  }, 200_000);
});
