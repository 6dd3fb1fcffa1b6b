import { describe, expect, it } from 'vitest';
import { trackedBy } from '../../src/services/clock.js';
import { TestClock } from './test-clock.js';

const START = Date.UTC(2026, 11, 2, 1, 0);

describe('TestClock: virtual time that jumps over idle time', () => {
  it('wakes a long sleep in real milliseconds, at the exact moment it was due', async () => {
    const clock = new TestClock({ start: START });
    const begun = performance.now();
    await clock.sleep(15 * 60_000);
    expect(clock.now()).toBe(START + 15 * 60_000);
    // 15 clock minutes at x600 would be 1.5 real seconds; a jump is a few loop turns.
    expect(performance.now() - begun).toBeLessThan(1_000);
    expect(clock.jumps).toBe(1);
  });

  it('wakes sleepers in the order of their moments, and those of one moment in the order they began', async () => {
    const clock = new TestClock({ start: START });
    const woke: string[] = [];
    const sleeps = [
      clock.sleep(30_000).then(() => woke.push(`b@${clock.now() - START}`)),
      clock.sleep(10_000).then(() => woke.push(`a@${clock.now() - START}`)),
      clock.sleep(30_000).then(() => woke.push(`c@${clock.now() - START}`)),
    ];
    await Promise.all(sleeps);
    expect(woke).toEqual(['a@10000', 'b@30000', 'c@30000']);
  });

  it('runs a loop of polls as the engine would: each due on the minute, whatever the machine does between', async () => {
    const clock = new TestClock({ start: START });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      await clock.sleep(60_000);
      seen.push(clock.now() - START);
      // Real work between polls (a busy machine) moves no clock time.
      const until = performance.now() + 5;
      while (performance.now() < until);
    }
    expect(seen).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
  });

  it('holds still while tracked work is in flight, so a deadline never passes under a call that answers', async () => {
    const clock = new TestClock({ start: START, graceMs: 1_000 });
    let deadlinePassed = false;
    void clock.sleep(5_000).then(() => {
      deadlinePassed = true;
    });
    const answered = await clock.track(new Promise<string>((resolve) => setTimeout(() => resolve('ok'), 50)));
    expect(answered).toBe('ok');
    expect(deadlinePassed).toBe(false);
    expect(clock.now()).toBe(START);
  });

  it('lets time run at its speed once tracked work has held it past the grace, so a hung call meets its deadline', async () => {
    const clock = new TestClock({ start: START, speed: 600, graceMs: 20 });
    const hung = clock.track(new Promise<void>(() => {}));
    void hung;
    const begun = performance.now();
    await clock.sleep(30_000);
    // 30 clock seconds at x600 is 50 real ms after the 20 ms of grace.
    expect(performance.now() - begun).toBeGreaterThanOrEqual(60);
    expect(clock.now()).toBeGreaterThanOrEqual(START + 30_000);
    clock.stop();
  });

  it('rejects an aborted sleep and forgets it', async () => {
    const clock = new TestClock({ start: START });
    const controller = new AbortController();
    const sleep = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(sleep).rejects.toThrow('stopped');
    expect(clock.waiting).toBe(0);
    expect(clock.now()).toBe(START);
  });

  it('tells a test of each idle moment before time jumps on', async () => {
    const clock = new TestClock({ start: START });
    const moments: number[] = [];
    clock.onIdle(() => moments.push(clock.now() - START));
    await clock.sleep(10_000);
    await clock.sleep(10_000);
    expect(moments).toEqual([0, 10_000]);
  });

  it('is told of every promise a port returns (trackedBy), and of nothing else', async () => {
    const clock = new TestClock({ start: START, graceMs: 1_000 });
    const port = trackedBy(clock, {
      name: 'port',
      answer: (value: number) => new Promise<number>((resolve) => setTimeout(() => resolve(value * 2), 30)),
      describe: (value: number) => `value ${value}`,
    });
    let woke = false;
    void clock.sleep(1_000).then(() => {
      woke = true;
    });
    expect(port.describe(2)).toBe('value 2');
    expect(await port.answer(21)).toBe(42);
    expect(woke).toBe(false);
    expect(port.name).toBe('port');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woke).toBe(true);
  });
});

describe('TestClock: a process that is never idle', () => {
  it('lets time run at its speed after the grace, so a loop that wakes at once cannot stop the clock', async () => {
    const clock = new TestClock({ start: START, speed: 600, graceMs: 20 });
    let spinning = true;
    // Sleeps of 0 ms, one after the other: never idle, and never a sleeper in the future for a jump.
    void (async () => {
      while (spinning) await clock.sleep(0);
    })();
    await clock.sleep(60_000);
    spinning = false;
    expect(clock.now()).toBeGreaterThanOrEqual(START + 60_000);
  });
});
