import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import { Conductor } from '../../src/engine/conductor.js';
import type { AwsPort } from '../../src/engine/ports.js';
import { signApproval } from '../../src/services/approvals/ssh-signature.js';
import { type Clock, systemClock } from '../../src/services/clock.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { stripAnsi } from '../components/render-helpers.js';
import { eventually } from '../support/eventually.js';
import { fingerprintByKeygen, makeKey } from '../support/ssh-keys.js';
import { HOUR, MIN, passPhasesBefore, T0 } from './fixtures.js';

const NOW = T0 + 5 * HOUR;
const alice = makeKey('alice');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The seed runbook with Alice listed as the Tech Lead's signer. */
function signedSeed() {
  const dir = mkdtempSync(join(tmpdir(), 'conductor-signed-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const seed = readFileSync('runbooks/bbws.yaml', 'utf8');
  const text = seed.replace(
    '    title: Tech Lead\n',
    `    title: Tech Lead\n    signers:\n      - { name: alice, key: "${alice.publicKey}" }\n`,
  );
  if (text === seed)
    throw new Error('runbooks/bbws.yaml no longer has the Tech Lead role this test signs for');
  const file = join(dir, 'bbws.yaml');
  writeFileSync(file, text);
  const parsed = parseRunbook(text, file);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return {
    dir,
    file,
    runbook: parsed.runbook,
    promotion: parsed.runbook.promotions.find((p) => p.id === 'sit-to-prod')!,
  };
}

/** The App over a real Conductor waiting at the PROD approval gate; AWS, work and notify are never called. */
function atProdGate() {
  const { dir, file, runbook, promotion } = signedSeed();
  const store = new SessionStore(dir);
  const clock: Clock = { ...systemClock, now: () => NOW };
  const never = async (): Promise<never> => {
    throw new Error('not used in this test');
  };
  const aws: AwsPort = {
    verifyIdentity: never,
    readRollbackTarget: never,
    readTrafficSplit: never,
    setCanaryWeight: never,
    promote: never,
    rollback: never,
    fetchMetrics: never,
    describeError: (error) => String(error),
  };
  const conductor = new Conductor({
    runbook,
    runbookFile: file,
    promotion,
    store,
    journal: store.create(NOW),
    clock,
    aws: () => aws,
    work: { command: never, http: never, load: never },
    notify: { post: never },
    conductor: '@alex',
  });
  conductor.create({
    version: 'v42',
    previousVersion: 'v41',
    risk: 'low',
    ticket: 'CHG-1234',
    runbookText: 'runbook',
  });
  for (const event of passPhasesBefore('approval')) conductor.dispatch(event);
  conductor.dispatch({ type: 'phase.started', at: NOW - HOUR, phase: 'approval' });
  conductor.dispatch({ type: 'step.started', at: NOW - HOUR, step: 'prod-approval', attempt: 1 });
  conductor.setWaiting({ step: 'prod-approval', kind: 'approval', message: 'Waiting for approvals.' });
  const app = render(<App conductor={conductor} onExit={() => undefined} />);
  cleanups.push(() => {
    app.unmount();
    conductor.stop();
  });
  const frame = () => stripAnsi(app.lastFrame() ?? '');
  return { conductor, app, frame, store };
}

/** Waits (wall time, the machine may be busy) until the frame shows `text`, then asserts it. */
async function showsText(frame: () => string, text: string): Promise<void> {
  await eventually(() => frame().includes(text));
  expect(frame()).toContain(text);
}

describe('approval screen: a pasted signed token', () => {
  it('opens the form on the token field, takes a bracketed paste and records the verified approval with its key', async () => {
    const { conductor, app, frame } = atProdGate();
    await showsText(frame, 'Tech Lead must sign: conductor approve');
    expect(frame()).toContain('a or enter: paste a signed token');
    const token = await signApproval(
      {
        v: 1,
        session: conductor.state.meta.sessionId,
        version: 'v42',
        env: 'prod',
        role: 'tech-lead',
        approver: 'alice',
        comment: 'Performance baseline met, ready for PROD',
        at: new Date(NOW - 10 * MIN).toISOString(),
        expires: new Date(NOW + 48 * HOUR).toISOString(),
      },
      { keyFile: alice.privateKey },
    );
    app.stdin.write('a');
    await showsText(frame, 'signed token');
    // Pasted as a terminal does it (bracketed), with the line break a copy often carries.
    app.stdin.write(`\x1b[200~${token}\n\x1b[201~`);
    await showsText(frame, 'conductor-approval.v1.');
    app.stdin.write('\r');
    await showsText(frame, 'Signed approval verified and recorded.');
    const recorded = conductor.state.approvals.filter((a) => a.role === 'tech-lead');
    expect(recorded).toMatchObject([
      { approver: 'alice', signed: true, signer: 'alice', fingerprint: fingerprintByKeygen(alice) },
    ]);
    // The line wraps at this width (never cut): the key may start the next row.
    await showsText(frame, 'Tech Lead: signed by alice · key');
    expect(frame()).toContain(fingerprintByKeygen(alice));
  });

  it('keeps the form open with the one-sentence refusal when the typed approval is for a role with signers', async () => {
    const { conductor, app, frame } = atProdGate();
    await showsText(frame, 'Tech Lead must sign');
    app.stdin.write('a');
    await showsText(frame, 'signed token');
    app.stdin.write('\t');
    app.stdin.write('@jane.doe');
    app.stdin.write('\t');
    app.stdin.write('\t');
    app.stdin.write('LGTM');
    app.stdin.write('\r');
    // The engine's sentence, in the form (the box wraps it), which stays open.
    await showsText(frame, '✗ The runbook lists signers for Tech Lead, so only a signed approval');
    expect(frame()).toContain('signed token');
    expect(conductor.state.approvals).toEqual([]);
  });
});
