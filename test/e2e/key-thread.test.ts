import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUICK_FIRST_STAGE, useConductorHome, waitForCanaryStage } from './flows.js';
import { eventsOf, pause } from './terminal.js';

// The keyboard is read on a thread of its own (src/terminal/key-thread.ts): x sends the abort line
// from there, whatever the screen is drawing. The thread acts only on the screen's current word
// about the keys: a key that opens a form and an x typed right behind it never abort.
describe('the key thread', () => {
  const e2e = useConductorHome();

  it('n then x at once types x into the form; esc, then x rolls back from the key thread', async () => {
    const { home } = e2e;
    const frames = join(home, 'frames.log');
    const app = e2e.startRehearsal(
      { autopilot: true, speed: 80, runbook: { canaryMinutes: QUICK_FIRST_STAGE } },
      { env: { CONDUCTOR_FRAME_LOG: frames } },
    );
    await waitForCanaryStage(app, 25, { holding: true });

    // Two writes, no wait between them: the x lands before the screen has drawn the form.
    app.pty.write('n');
    app.pty.write('x');
    await app.waitForText(['Advance to the next stage now?', /reason.*\bx\b/], 20_000);
    await pause(1_500);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);

    app.pty.write('\x1b');
    await app.waitForText([/x ABORT & ROLL BACK/], 20_000);
    await pause(500);
    app.pty.write('x');
    await app.waitForText([/ROLL(ING|ED) BACK/, /why: .*conductor/i], 30_000);
    const started = eventsOf(home, 'rollback.started');
    expect(started).toHaveLength(1);
    expect(started[0]?.trigger).toBe('conductor');
    // The frame log says which path sent it (written every 500 ms).
    await pause(1_200);
    expect(readFileSync(frames, 'utf8')).toMatch(/^keythread-abort /m);
  }, 240_000);
});
