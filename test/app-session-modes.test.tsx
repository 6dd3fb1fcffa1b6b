import { describe, expect, it } from 'vitest';
import { setup, shiftedEvents } from './support/app-session.js';

/** What the screen says about who is at it: a watcher, or the rehearsal's autopilot. */
describe('the App says who drives and what q does', () => {
  it("a watcher's key bar offers q to stop watching, and q leaves at once, asking nothing", async () => {
    const watcher = setup(shiftedEvents(), { readOnly: true });
    await watcher.waitFor('stop watching');
    expect(watcher.frame()).not.toMatch(/q detach/);
    await watcher.press('q');
    expect(watcher.exits).toEqual(['quit']);
    expect(watcher.actions).toEqual([]);

    // The driver's q still detaches (and asks first while traffic is shifted).
    const driver = setup(shiftedEvents());
    await driver.waitFor('q detach');
    expect(driver.frame()).not.toMatch(/stop watching/);
  });

  it('a rehearsal driven by the autopilot says so in the header, and stops saying it once a person takes over', async () => {
    const app = setup(shiftedEvents(), { rehearsal: { scenario: 'healthy', speed: 60 } });
    await app.waitFor('REHEARSAL healthy ×60');
    expect(app.frame()).not.toMatch(/AUTOPILOT/);
    app.conductor.setAutopilot(true);
    await app.waitFor('REHEARSAL healthy ×60 AUTOPILOT');
    app.conductor.setAutopilot(false, 'alex');
    for (let i = 0; i < 200 && app.frame().includes('AUTOPILOT'); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(app.frame()).not.toMatch(/AUTOPILOT/);
    expect(app.conductor.state.autopilot).toBe(false);
    expect(app.journaled).toEqual(['autopilot.set', 'autopilot.set']);
  });

  it('a real session has no autopilot to take up', () => {
    const app = setup(shiftedEvents());
    expect(app.conductor.setAutopilot(true)).toMatch(/only drives rehearsals/);
    expect(app.conductor.state.autopilot).toBe(false);
    expect(app.journaled).toEqual([]);
  });
});
