import { describe, expect, it, vi } from 'vitest';
import { HOUR, passPhasesBefore, promotion, split, T0 } from './screens/fixtures.js';
import {
  armedEvent,
  CTRL_C,
  ENTER,
  ESC,
  gatesPassed,
  NOW,
  setup,
  shiftedEvents,
  TAB,
} from './support/app-session.js';
import { eventually } from './support/eventually.js';

/**
 * Key flows through the App over a real Conductor and a real journal in a temp home (see
 * support/app-session.tsx: the AWS, work and notify ports throw, and are counted, if ever called).
 */
describe('App key flows', () => {
  it('records an approval through the form: approver, role, comment, reference', async () => {
    const t = setup(passPhasesBefore('approval'), { risk: 'high' });
    await t.waitFor('Tech Lead and Infrastructure Lead approve');
    await t.press('a');
    await t.waitFor('Record an approval');
    await t.press('@jane.doe', TAB, TAB, 'Performance baseline met, ready for PROD', ENTER);
    await t.waitFor('Approval by @jane.doe as Tech Lead recorded.');
    expect(t.conductor.state.approvals).toEqual([
      expect.objectContaining({ role: 'tech-lead', approver: '@jane.doe', reference: 'CHG-1234' }),
    ]);
    expect(t.frame()).toMatch(/Tech Lead\s+✓ approved\s+\S+ left\s+@jane\.doe/);
    // The next approval picks a role still waiting; the conductor may not approve (separation of duties).
    await t.press('a', '@alex', TAB, '\x1b[B', TAB, 'fine by me', ENTER);
    await t.waitFor('cannot approve as Business Owner');
    expect(t.conductor.state.approvals).toHaveLength(1);
    await t.press(ESC);
    await t.waitFor('Not recorded: @alex is conducting this session');
  });

  it('confirms a manual item with space, refusing it without the evidence note it requires', async () => {
    const before = passPhasesBefore('approval').filter(
      (e) =>
        !(
          (e.type === 'step.started' || e.type === 'step.completed') &&
          ['infrastructure-readiness', 'prod-change-ticket'].includes(e.step)
        ) && e.type !== 'phase.completed',
    );
    const t = setup(before);
    await t.waitFor('space: mark done (an evidence note is required');
    await t.press(' ');
    await t.waitFor('Confirm: No drift, IAM/VPC consistent');
    await t.press(ENTER);
    await t.waitFor('evidence note is required.');
    // Typed fast (or pasted), the note and its enter arrive as one chunk.
    await t.press('https://wiki/infra-check-42\r');
    await t.waitFor('Item confirmed.');
    const step = t.conductor.state.steps.find((s) => s.id === 'infrastructure-readiness');
    expect(step).toMatchObject({
      status: 'passed',
      confirmedBy: '@alex',
      note: 'https://wiki/infra-check-42',
    });
  });

  it('asks before a dangerous command, showing argv and account, then runs it and reruns it with r', async () => {
    const t = setup([...passPhasesBefore('deploy'), ...gatesPassed()]);
    void t.conductor.start();
    await t.waitFor('DANGEROUS: this changes PROD');
    expect(t.calls).toEqual([]);
    await t.press(ENTER);
    await t.waitFor('run it');
    expect(t.frame()).toContain('$ terraform apply prod.tfplan');
    expect(t.frame()).toContain('AWS account 093646564004 (PROD)');
    expect(t.calls).toEqual([]);
    await t.press(ENTER);
    // The (unused) work port refuses, so the step fails: the screen offers a rerun.
    await t.waitFor('r: run it again');
    expect(t.conductor.state.steps.find((s) => s.id === 'terraform-apply-prod')).toMatchObject({
      dangerousConfirmedBy: '@alex',
      status: 'failed',
      attempts: 1,
    });
    // A rerun of a dangerous step is confirmed again: the first confirmation was for run 1 only.
    await t.press('r');
    await t.waitFor('confirm to run it again (run 2)');
    expect(t.calls).toEqual(['command']);
    await t.press(ENTER);
    await t.waitFor('run it');
    await t.press(ENTER);
    await t.waitFor('try 2');
    expect(t.calls).toEqual(['command', 'command']);
  });

  it('holds a dangerous command outside the window like traffic; enter records an override with a reason', async () => {
    const t = setup([...passPhasesBefore('deploy'), ...gatesPassed({ window: false })]);
    void t.conductor.start();
    await t.waitFor('This changes PROD: it will not run yet.');
    expect(t.frame()).toMatch(/maintenance window/);
    expect(t.conductor.waiting).toMatchObject({ kind: 'traffic-guard', step: 'terraform-apply-prod' });
    await t.press(ENTER);
    await t.waitFor('Before this step runs');
    await t.press(TAB, 'CAB approved the early start', ENTER);
    await t.waitFor('DANGEROUS: this changes PROD');
    expect(t.conductor.state.meta.windowOverride).toMatchObject({
      reason: 'CAB approved the early start',
      by: '@alex',
    });
    // Nothing ran: the person still confirms the apply itself.
    expect(t.calls).toEqual([]);
  });

  it('starts the canary on enter at its question, which shows the weight, the targets and the account', async () => {
    const at = T0 + 4 * HOUR;
    const t = setup([
      ...passPhasesBefore('canary'),
      ...gatesPassed(),
      {
        type: 'rollback-target.recorded',
        at,
        target: {
          apiGateway: {
            restApiId: 'a1b2c3d4e5',
            stage: 'prod',
            deploymentId: 'dep-41',
            canaryDeploymentId: 'dep-42',
          },
          lambdas: [
            {
              functionName: 'bbws-prod-auth-lambda',
              alias: 'prod',
              stableVersion: '41',
              canaryVersion: '42',
            },
          ],
        },
      },
    ]);
    void t.conductor.start();
    await t.waitFor('Start the canary? 10% of PROD traffic moves to v42.');
    const frame = t.frame();
    expect(frame).toContain('API Gateway bbws-prod-api (a1b2c3d4e5) stage prod → 10%');
    expect(frame).toContain('Lambda bbws-prod-auth-lambda alias prod → 10%');
    expect(frame).toContain('AWS account 093646564004 (PROD)');
    expect(frame).toContain('enter: start the canary');
    expect(t.calls).toEqual([]);
    await t.press(ENTER);
    await t.waitFor('Canary started: moving the first traffic.');
    expect(t.conductor.state.steps.find((s) => s.id === 'prod-canary')?.startConfirmedBy).toBe('@alex');
    const journal = t.store.readEvents(t.conductor.state.meta.sessionId);
    expect(journal.filter((e) => e.type === 'canary.start.confirmed')).toEqual([
      expect.objectContaining({ step: 'prod-canary', weight: 10, by: '@alex' }),
    ]);
    // The decision is what lets the traffic request leave (this test's AWS port refuses it).
    await eventually(() => t.calls.includes('setCanaryWeight'));
    expect(t.calls).toContain('setCanaryWeight');
  });

  it('never quits silently on q or ctrl+c while traffic is shifted: detach, abort or cancel', async () => {
    const t = setup(shiftedEvents());
    await t.waitFor('[10%]');
    await t.press('q');
    await t.waitFor('10% of traffic is on v42. Leave it like that?');
    expect(t.exits).toEqual([]);
    await t.press(ESC);
    // A lone ESC is told from the start of a sequence on the next tick, then the frame redraws.
    expect(await eventually(() => !t.frame().includes('Leave it like that?'))).toBe(true);
    await t.press(CTRL_C);
    await t.waitFor('Leave it like that?');
    expect(t.exits).toEqual([]);
    await t.press(ENTER);
    expect(t.exits).toEqual(['detach']);
  });

  it('leaves a completed promotion without a question, though all traffic is on the new version', async () => {
    const t = setup([
      ...shiftedEvents(),
      { type: 'canary.promoted', at: NOW, step: 'prod-canary', split: split(100, NOW) },
      {
        type: 'session.completed',
        at: NOW,
        outcome: 'promoted',
        summary: 'v42 promoted to PROD; every step passed.',
      },
    ]);
    await t.waitFor('PROMOTED');
    expect(t.frame()).not.toContain('ABORT');
    await t.press('q');
    expect(t.exits).toEqual(['quit']);
  });

  it('quits without a question when no traffic has moved', async () => {
    const t = setup(passPhasesBefore('approval'));
    await t.waitFor('PROD approvals');
    await t.press('q');
    expect(t.exits).toEqual(['quit']);
  });

  it('aborts with x at once while traffic is shifted: the rollback request is sent before anything else', async () => {
    const t = setup(shiftedEvents());
    await t.waitFor('x ABORT & ROLL BACK');
    const abort = vi.spyOn(t.conductor, 'abort');
    await t.press('x');
    expect(abort).toHaveBeenCalledTimes(1);
    expect(t.calls[0]).toBe('rollback');
    expect(t.conductor.state.rollback).toMatchObject({ trigger: 'conductor', by: '@alex' });
    await t.waitFor('ROLLING BACK v42');
  });

  it('aborts with ctrl+x from inside a form, where x is just a letter', async () => {
    const t = setup(shiftedEvents());
    await t.waitFor('[10%]');
    await t.press('n');
    await t.waitFor('Advance to the next stage now?');
    await t.press('x');
    expect(t.conductor.state.rollback).toBeUndefined();
    await t.waitFor('▸ reason');
    expect(t.frame()).toMatch(/reason\s+x/);
    await t.press('\x18');
    expect(t.conductor.state.rollback).toMatchObject({ trigger: 'conductor' });
  });

  it('opens help, notifications and the journal tail, and esc closes them without quitting', async () => {
    const t = setup(shiftedEvents());
    await t.waitFor('[10%]');
    await t.press('?');
    await t.waitFor('ABORT & ROLL BACK');
    await t.waitFor('Keys');
    await t.press(ESC);
    await t.press('N');
    await t.waitFor('Notifications (0)');
    await t.press(ESC, 'l');
    await t.waitFor('Journal tail');
    expect(t.frame()).toContain('canary stage 1: 10%');
    await t.press(ESC);
    expect(await eventually(() => !t.frame().includes('Journal tail'))).toBe(true);
    expect(t.exits).toEqual([]);
  });

  it('copies the selected notification to the clipboard with OSC 52, so it works over SSH', async () => {
    const text = 'PROD deployment scheduled: v42, window 22:00-02:00 UTC, ticket CHG-1234';
    const t = setup([
      ...shiftedEvents(),
      {
        type: 'notification.rendered',
        at: T0 + 4 * HOUR,
        step: 'prod-canary',
        template: 'prod-canary-progress',
        channel: 'operations',
        text,
      },
    ]);
    await t.waitFor('[10%]');
    await t.press('N');
    await t.waitFor('#operations · prod-canary-progress · not posted (no webhook)');
    expect(t.frame()).toContain(text);
    await t.press('c');
    const osc = `\x1b]52;c;${Buffer.from(text).toString('base64')}\x07`;
    expect(t.app.frames.some((f) => f.includes(osc))).toBe(true);
    await t.waitFor('Copied the #operations message to the clipboard (OSC 52).');
  });

  it('shows a clear message below 80x24 instead of a broken layout, and x still aborts', async () => {
    const t = setup(shiftedEvents());
    await t.waitFor('[10%]');
    Object.defineProperty(t.app.stdout, 'columns', { value: 60, configurable: true });
    t.app.stdout.emit('resize');
    await t.waitFor('This terminal is 60x24; conductor needs at least 80x24.');
    await t.press('x');
    expect(t.conductor.state.rollback).toMatchObject({ trigger: 'conductor' });
  });

  it('says why a halted session stopped, on whatever screen it is', async () => {
    const t = setup([
      ...passPhasesBefore('approval'),
      {
        type: 'session.halted',
        at: NOW,
        reason: 'The AWS credentials for PROD have expired; run aws sso login --profile bbws-prod.',
      },
    ]);
    await t.waitFor('Halted: The AWS credentials for PROD have expired');
  });

  it('advances a stage early only with a reason, through n', async () => {
    const t = setup(shiftedEvents());
    await t.waitFor('[10%]');
    await t.press('n');
    await t.waitFor('Advance to the next stage now?');
    await t.press(ENTER);
    await t.waitFor('reason is required.');
    await t.press('baseline met, business asked to speed up', ENTER);
    await t.waitFor('Advancing to the next stage.');
    expect(t.conductor.state.canary?.stages[0].choices).toEqual([
      expect.objectContaining({
        choice: 'advance',
        by: '@alex',
        reason: 'baseline met, business asked to speed up',
      }),
    ]);
  });

  it('answers the end-of-stage decision with enter: extend the hold', async () => {
    const t = setup([
      ...shiftedEvents(),
      {
        type: 'canary.stage.decision-needed',
        at: NOW,
        step: 'prod-canary',
        stage: 0,
        action: 'ask',
        reason: '2 of 15 samples were outside the pass band (WATCH). Extend, advance, or roll back.',
      },
    ]);
    await t.waitFor('needs a decision');
    await t.press(ENTER);
    await t.waitFor('Stage 1 (10%): what now?');
    expect(t.frame()).toContain('‹ extend ›');
    await t.press(ENTER);
    await t.waitFor('Stage decision: extend.');
    const stage = t.conductor.state.canary?.stages[0];
    expect(stage?.extendedMs).toBe(
      promotion.phases.flatMap((p) => p.steps).find((s) => s.kind === 'canary')?.extendBy,
    );
    expect(stage?.decision).toBeUndefined();
  });

  it('holds an armed automatic rollback with h and a reason', async () => {
    const t = setup([...shiftedEvents(), armedEvent()]);
    await t.waitFor('AUTO-ROLLBACK');
    await t.press('h');
    await t.waitFor('Automatic rollback HELD: why?');
    await t.press('checking a noisy client', ENTER);
    await t.waitFor('Automatic rollback HELD by @alex: checking a noisy client');
    expect(t.conductor.state.canary?.autoRollback).toMatchObject({ heldBy: '@alex' });
    expect(t.conductor.state.canary?.holds).toEqual([
      expect.objectContaining({ by: '@alex', reason: 'checking a noisy client' }),
    ]);
  });

  it('h stops the countdown at once, before any reason is typed; the reason is journaled after', async () => {
    const t = setup([...shiftedEvents(), armedEvent()]);
    const hold = vi.spyOn(t.conductor, 'holdAutoRollback');
    await t.waitFor('AUTO-ROLLBACK');
    await t.press('h');
    // Held the moment h arrived: nothing typed yet, the dialog only asks why.
    expect(hold).toHaveBeenCalledTimes(1);
    expect(hold.mock.calls[0][0]).toBeUndefined();
    expect(t.conductor.state.canary?.autoRollback).toMatchObject({ heldBy: '@alex', heldReason: undefined });
    const held = t.store
      .readEvents(t.conductor.state.meta.sessionId)
      .filter((e) => e.type === 'canary.auto-rollback.held');
    expect(held).toEqual([expect.objectContaining({ by: '@alex' })]);
    expect(held[0]).not.toHaveProperty('reason');
    await t.waitFor('Automatic rollback HELD: why?');
    expect(t.frame()).toContain('reason to follow');

    await t.press('p95 is one slow client', ENTER);
    await t.waitFor('Reason for the hold recorded.');
    expect(hold).toHaveBeenLastCalledWith('p95 is one slow client');
    expect(t.conductor.state.canary?.autoRollback?.heldReason).toBe('p95 is one slow client');
    const reasons = t.store
      .readEvents(t.conductor.state.meta.sessionId)
      .filter((e) => e.type === 'canary.auto-rollback.hold-reason');
    expect(reasons).toEqual([expect.objectContaining({ by: '@alex', reason: 'p95 is one slow client' })]);
    // The journal overlay tells the hold and its reason.
    await t.press('l');
    await t.waitFor('automatic rollback held by @alex: p95 is one slow client');
  });

  it('esc on the reason dialog keeps the hold, with the reason "not given"', async () => {
    const t = setup([...shiftedEvents(), armedEvent()]);
    await t.waitFor('AUTO-ROLLBACK');
    await t.press('h');
    await t.waitFor('Automatic rollback HELD: why?');
    await t.press(ESC);
    await t.waitFor('Automatic rollback still held (reason not given).');
    expect(t.conductor.state.canary?.autoRollback).toMatchObject({
      heldBy: '@alex',
      heldReason: 'not given',
    });
    expect(t.frame()).not.toContain('HELD: why?');
  });

  it('closes the hold-reason dialog by itself, saying why, when the rollback starts', async () => {
    const t = setup([...shiftedEvents(), armedEvent()]);
    await t.waitFor('AUTO-ROLLBACK');
    await t.press('h');
    await t.waitFor('Automatic rollback HELD: why?');
    await t.press('looking at');
    // The rollback starts elsewhere (another key, the guard): the question no longer exists.
    t.conductor.dispatch({
      type: 'rollback.started',
      at: NOW,
      trigger: 'conductor',
      reason: 'the abort key was pressed',
      by: '@sam',
    });
    await t.waitFor('The rollback has started: the hold no longer applies');
    expect(t.frame()).not.toContain('HELD: why?');
    // Keys are screen keys again, not typing into a closed form.
    expect(t.conductor.state.canary?.holds?.[0].reason).toBeUndefined();
  });

  it('closes the stage-decision dialog by itself when the decision is answered elsewhere', async () => {
    const t = setup([
      ...shiftedEvents(),
      {
        type: 'canary.stage.decision-needed',
        at: NOW,
        step: 'prod-canary',
        stage: 0,
        action: 'ask',
        reason: '2 of 15 samples were outside the pass band (WATCH). Extend, advance, or roll back.',
      },
    ]);
    await t.waitFor('needs a decision');
    await t.press(ENTER);
    await t.waitFor('Stage 1 (10%): what now?');
    t.conductor.chooseAtStageEnd('extend', 'answered from the other screen', '@sam');
    await t.waitFor('The stage 1 decision was already made: this dialog is closed.');
    expect(t.frame()).not.toContain('what now?');
  });

  it('resolves a traffic drift by adopting the live split', async () => {
    const t = setup([
      ...shiftedEvents(),
      {
        type: 'drift.detected',
        at: NOW,
        recordedWeight: 10,
        live: split(25, NOW),
        details: ['API Gateway canary: journal 10%, AWS 25%'],
      },
    ]);
    await t.waitFor('DRIFT: the journal says 10%');
    await t.press(ENTER);
    await t.waitFor('‹ adopt ›');
    await t.press(ENTER);
    // The stage runs at the adopted live weight now: the strip shows 25%, not the planned 10%.
    await t.waitFor('[25%] → 25% → 50% → 100%');
    expect(t.conductor.state.drift?.resolved).toBe('adopt');
    expect(t.conductor.state.recordedWeight).toBe(25);
    expect(t.calls).toEqual([]);
  });

  it("scrolls back through a running command's output with k and forward with j", async () => {
    const steps = promotion.phases[0].steps;
    const running = steps.find((s) => s.kind === 'command')!.id;
    const done = steps
      .slice(
        0,
        steps.findIndex((s) => s.id === running),
      )
      .map((s) => s.id);
    const before = passPhasesBefore('approval').filter(
      (e) =>
        !((e.type === 'step.started' || e.type === 'step.completed') && !done.includes(e.step)) &&
        e.type !== 'phase.completed',
    );
    const t = setup([...before, { type: 'step.started', at: NOW, step: running, attempt: 1 }]);
    t.conductor.liveOutput.push(...Array.from({ length: 50 }, (_, i) => `output line ${i}`));
    t.conductor.notify();
    await t.waitFor('of 50');
    expect(t.frame()).toContain('output line 49');
    await t.press('k', 'k', 'k');
    await t.waitFor('3 newer below (j)');
    expect(t.frame()).not.toContain('output line 49');
    await t.press('j');
    await t.waitFor('2 newer below (j)');
  });
});
