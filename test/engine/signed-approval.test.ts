import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { approveCommand } from '../../src/commands/approve.js';
import { verifyApprovalsCommand } from '../../src/commands/verify-approvals.js';
import { type ApprovalClaims, parseToken, TOKEN_PREFIX } from '../../src/core/approvals/token.js';
import { signApproval } from '../../src/services/approvals/ssh-signature.js';
import { writeSessionReports } from '../../src/services/report/index.js';
import type { Rehearsal } from '../../src/wiring/rehearsal.js';
import { approvalStep, canaryStep, miniRunbookYaml } from '../support/mini-runbook.js';
import { fingerprintByKeygen, makeKey, type TestKey } from '../support/ssh-keys.js';
import { eventsOf, rehearse, tempHome, until } from './helpers.js';

const alice = makeKey('alice');
const bob = makeKey('bob');
const mallory = makeKey('mallory');
const HOUR = 3_600_000;

/**
 * A runbook whose PROD gate asks for two roles that list signers: Tech Lead inline, Infrastructure
 * Lead in an allowed_signers file beside the runbook. On-Call lists signers but is not asked here.
 */
function signedRunbook(): { file: string; signersFile: string } {
  const dir = tempHome();
  mkdirSync(join(dir, 'keys'));
  const signersFile = join(dir, 'keys', 'infra_allowed_signers');
  writeFileSync(signersFile, `# infrastructure leads\nbob ${bob.publicKey}\n`);
  const file = join(dir, 'signed.yaml');
  writeFileSync(
    file,
    miniRunbookYaml({
      id: 'signed',
      title: 'Signed approvals',
      roles: [
        { id: 'tech-lead', title: 'Tech Lead', signers: [{ name: 'alice', key: alice.publicKey }] },
        { id: 'infrastructure-lead', title: 'Infrastructure Lead', signers: 'keys/infra_allowed_signers' },
        { id: 'on-call', title: 'On-Call', signers: [{ name: 'alice', key: alice.publicKey }] },
      ],
      prod: { production: true },
      phases: [
        {
          id: 'approvals',
          title: 'PROD approvals',
          steps: [
            approvalStep('prod-approval', 'PROD approval', ['tech-lead', 'infrastructure-lead'], {
              separationOfDuties: true,
            }),
          ],
        },
        { id: 'release', title: 'Release', steps: [canaryStep([{ weight: 100, hold: '1m' }])] },
      ],
    }),
  );
  return { file, signersFile };
}

/** What a subcommand printed on stdout. */
async function stdoutOf(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await run(), out };
  } finally {
    spy.mockRestore();
    stderr.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

/** Claims signed now: an approver's machine dates a token by the real clock, whatever a rehearsal's speed. */
function claimsFor(r: Rehearsal, over: Partial<ApprovalClaims> = {}): ApprovalClaims {
  const now = Date.now();
  return {
    v: 1,
    session: r.conductor.state.meta.sessionId,
    version: r.conductor.state.meta.version,
    env: 'prod',
    role: 'tech-lead',
    approver: 'alice',
    comment: 'Performance baseline met, ready for PROD',
    at: new Date(now - 60_000).toISOString(),
    expires: new Date(now + 48 * HOUR).toISOString(),
    ...over,
  };
}

const sign = (key: TestKey, claims: ApprovalClaims) => signApproval(claims, { keyFile: key.privateKey });

describe('signed approvals at a PROD gate (real ssh-keygen keys, a real rehearsal)', () => {
  it('refuses unsigned, tampered, foreign, expired and unknown-key approvals in one sentence each, records signed ones with their fingerprints, and re-checks them later', async () => {
    const { file, signersFile } = signedRunbook();
    const r = await rehearse({ scenario: 'healthy', runbookFile: file });
    void r.conductor.start();
    await until(
      r,
      () => r.conductor.waiting?.kind === 'approval',
      'the PROD gate waiting for signed approvals',
    );
    const id = r.conductor.state.meta.sessionId;
    const home = r.store.home;
    // The autopilot's stand-ins never approve a role that lists signers.
    expect(eventsOf(r, 'approval.recorded')).toEqual([]);

    const refusals: Array<[string, string | undefined]> = [];
    const refused = async (what: string, answer: string | undefined | Promise<string | undefined>) =>
      refusals.push([what, await answer]);

    await refused('typed', r.conductor.approve({ role: 'tech-lead', approver: '@alice', comment: 'LGTM' }));
    const good = await sign(alice, claimsFor(r));
    const [, , body, sig] = good.split('.');
    const changed = Buffer.from(
      Buffer.from(body!, 'base64url').toString('utf8').replace('ready for PROD', 'ready for anything'),
    ).toString('base64url');
    await refused('tampered', r.conductor.approveSigned({ token: `${TOKEN_PREFIX}${changed}.${sig}` }));
    await refused(
      'other session',
      r.conductor.approveSigned({
        token: await sign(alice, claimsFor(r, { session: '20261201-200000-ab12' })),
      }),
    );
    await refused(
      'other version',
      r.conductor.approveSigned({ token: await sign(alice, claimsFor(r, { version: 'v2026.12.24.1' })) }),
    );
    await refused(
      'other role',
      r.conductor.approveSigned({ token: await sign(alice, claimsFor(r, { role: 'on-call' })) }),
    );
    const now = Date.now();
    await refused(
      'expired',
      r.conductor.approveSigned({
        token: await sign(
          alice,
          claimsFor(r, {
            at: new Date(now - 3 * HOUR).toISOString(),
            expires: new Date(now - HOUR).toISOString(),
          }),
        ),
      }),
    );
    await refused('unknown key', r.conductor.approveSigned({ token: await sign(mallory, claimsFor(r)) }));

    const reasons = Object.fromEntries(refusals);
    expect(reasons.typed).toBe(
      'The runbook lists signers for Tech Lead, so only a signed approval counts: paste the token the approver made with `conductor approve`.',
    );
    expect(reasons.tampered).toBe(
      'The signature of this token from alice does not match what it says: it was changed after it was signed.',
    );
    expect(reasons['other session']).toBe(
      `This token from alice approves session 20261201-200000-ab12, not this session (${id}).`,
    );
    expect(reasons['other version']).toBe(
      `This token from alice approves version v2026.12.24.1, but this session promotes ${r.conductor.state.meta.version}.`,
    );
    expect(reasons['other role']).toBe(
      'On-Call is not asked for at this gate (risk medium); it needs: Tech Lead, Infrastructure Lead.',
    );
    expect(reasons.expired).toMatch(
      /^This token from alice expired at \d{4}-\d\d-\d\d \d\d:\d\d UTC; ask alice/,
    );
    expect(reasons['unknown key']).toBe(
      `This token is signed with key ${fingerprintByKeygen(mallory)}, which is not among the runbook's signers for Tech Lead.`,
    );
    for (const [what, reason] of refusals) {
      expect(reason, what).toMatch(/^[A-Z][^\n]*\.$/);
      expect(reason!.split(/\.\s+[A-Z]/).length, `${what}: one sentence`).toBe(1);
    }
    expect(eventsOf(r, 'approval.refused').map((e) => e.reason)).toEqual(
      refusals.map(([, reason]) => reason),
    );
    expect(eventsOf(r, 'approval.recorded')).toEqual([]);

    // Alice runs `conductor approve` on a machine that has the session folder: the facts come from it.
    const approved = await stdoutOf(() =>
      approveCommand(id, {
        role: 'tech-lead',
        comment: 'Performance baseline met',
        key: alice.privateKey,
        home,
      }),
    );
    expect(approved.code).toBe(0);
    const aliceToken = approved.out.trim();
    const read = parseToken(aliceToken);
    expect(read.ok && read.token.claims).toMatchObject({
      session: id,
      version: r.conductor.state.meta.version,
      env: 'prod',
      role: 'tech-lead',
      approver: 'alice',
    });
    expect(await r.conductor.approveSigned({ token: aliceToken })).toBeUndefined();
    // Bob's token arrives as a file, and his key is in the runbook's allowed_signers file.
    const bobFile = join(tempHome(), 'bob.token');
    writeFileSync(
      bobFile,
      `${await sign(bob, claimsFor(r, { role: 'infrastructure-lead', approver: 'bob' }))}\n`,
    );
    expect(await r.conductor.approveSigned({ file: bobFile })).toBeUndefined();

    await until(
      r,
      () => r.conductor.state.steps.find((s) => s.id === 'prod-approval')?.status === 'passed',
      'the gate passing',
    );
    const recorded = eventsOf(r, 'approval.recorded');
    expect(recorded.map((e) => [e.role, e.approver, e.signed, e.signer, e.fingerprint])).toEqual([
      ['tech-lead', 'alice', true, 'alice', fingerprintByKeygen(alice)],
      ['infrastructure-lead', 'bob', true, 'bob', fingerprintByKeygen(bob)],
    ]);

    // The approval record and the release report name the keys.
    const { files } = await writeSessionReports(r.store, id);
    const written = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(written).toContain(`  Signed: alice, SSH key ${fingerprintByKeygen(alice)}`);
    expect(written).toContain(`signed, key ${fingerprintByKeygen(bob)}`);

    // verify-approvals checks them again from the journal: good, then not once bob's key is removed.
    const verified = await stdoutOf(() => verifyApprovalsCommand(id, { home }));
    expect(verified.code).toBe(0);
    const lines = verified.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^✓ prod-approval · Tech Lead · alice · .* signed by alice, key ${escapeRegExp(fingerprintByKeygen(alice))}, signature good$`,
      ),
    );
    writeFileSync(signersFile, `bob ${mallory.publicKey}\n`);
    const after = await stdoutOf(() => verifyApprovalsCommand(id, { home }));
    expect(after.code).toBe(1);
    expect(after.out).toContain('✓ prod-approval · Tech Lead · alice');
    expect(after.out).toMatch(
      /✗ prod-approval · Infrastructure Lead · bob · .*: This token is signed with key SHA256:\S+, which is not among the runbook's signers for Infrastructure Lead\n/,
    );
  }, 120_000);

  it('holds a token to its real-world expiry, not to the rehearsal clock: a 1 h token outlives an hour of x600', async () => {
    const { file } = signedRunbook();
    const r = await rehearse({ scenario: 'healthy', runbookFile: file });
    void r.conductor.start();
    await until(
      r,
      () => r.conductor.waiting?.kind === 'approval',
      'the PROD gate waiting for signed approvals',
    );
    const signedAt = Date.now();
    const inAnHour = (role: string, approver: string) => ({
      role,
      approver,
      at: new Date(signedAt - 60_000).toISOString(),
      expires: new Date(signedAt + HOUR).toISOString(),
    });
    const aliceToken = await sign(alice, claimsFor(r, inAnHour('tech-lead', 'alice')));
    const bobToken = await sign(bob, claimsFor(r, inAnHour('infrastructure-lead', 'bob')));
    // Over an hour of the rehearsal's clock passes in a few real seconds; the tokens have most of their hour left.
    await until(r, () => r.clock.now() > signedAt + 90 * 60_000, 'ninety minutes of the rehearsal clock');
    expect(await r.conductor.approveSigned({ token: aliceToken })).toBeUndefined();
    expect(await r.conductor.approveSigned({ token: bobToken })).toBeUndefined();
    await until(
      r,
      () => r.conductor.state.steps.find((s) => s.id === 'prod-approval')?.status === 'passed',
      'the gate passing on both tokens',
    );
    expect(eventsOf(r, 'approval.refused')).toEqual([]);
  }, 60_000);

  it('makes a token away from the session folder from --release and --env, and asks for them when missing', async () => {
    const home = tempHome();
    const id = '20261202-040000-beef';
    await expect(
      approveCommand(id, { role: 'tech-lead', comment: 'Ready', key: alice.privateKey, home }),
    ).rejects.toThrow(
      `Session ${id} is not on this machine: give --release and --env as the conductor tells you (e.g. --release v2026.11.29.1 --env prod).`,
    );
    const { file } = signedRunbook();
    const made = await stdoutOf(() =>
      approveCommand(id, {
        role: 'tech-lead',
        comment: 'Ready',
        ref: 'CHG-9',
        key: alice.privateKey,
        home,
        release: 'v9',
        env: 'prod',
        runbook: file,
        validFor: '2h',
      }),
    );
    expect(made.code).toBe(0);
    const read = parseToken(made.out.trim());
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.token.claims).toMatchObject({
      session: id,
      version: 'v9',
      env: 'prod',
      approver: 'alice',
      reference: 'CHG-9',
    });
    expect(read.token.expiresAt - read.token.signedAt).toBe(2 * HOUR);
    await expect(
      approveCommand(id, {
        role: 'tech-lead',
        comment: 'Ready',
        key: mallory.privateKey,
        home,
        release: 'v9',
        env: 'prod',
        runbook: file,
      }),
    ).rejects.toThrow(
      /is not among the runbook's signers for role tech-lead; the conductor would refuse this token\.$/,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
