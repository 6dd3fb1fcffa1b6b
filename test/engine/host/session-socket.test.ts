import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { currentStage } from '../../../src/core/session/selectors.js';
import { serveSession } from '../../../src/engine/host/server.js';
import { engineSocketPath } from '../../../src/services/store/paths.js';
import type { Rehearsal } from '../../../src/wiring/rehearsal.js';
import { attachSession, type RemoteSession } from '../../../src/wiring/session-client.js';
import { journalOf, runningRehearsal, until } from '../helpers.js';

/**
 * The engine's socket: a real rehearsal (sandbox, engine, journal) served on its session folder's
 * socket, and real clients attached to it over that socket.
 */
async function served(rehearsal: Rehearsal, onFinished: (why: string) => void = () => undefined) {
  const { conductor } = rehearsal;
  const socketPath = engineSocketPath(conductor.dir);
  const server = await serveSession({
    conductor,
    socketPath,
    runbookText: readFileSync(conductor.options.runbookFile, 'utf8'),
    onFinished,
  });
  const clients: RemoteSession[] = [];
  const attach = async (role: 'driver' | 'watcher') => {
    const client = await attachSession(socketPath, role);
    clients.push(client);
    return client;
  };
  return {
    socketPath,
    server,
    attach,
    async close() {
      await server.close();
      for (const c of clients) c.disconnect();
    },
  };
}

async function untilClient(
  client: RemoteSession,
  predicate: () => boolean,
  what: string,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: the screen shows ${client.state.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the engine socket', () => {
  it('a screen folds the same state as the engine, event by event, and its x rolls back', async () => {
    // A screen runs the engine's clock on from the wall clock at its speed: the accelerated one.
    const rehearsal = await runningRehearsal({ scenario: 'healthy', wallClock: true });
    const { conductor } = rehearsal;
    const engine = await served(rehearsal);
    try {
      const screen = await engine.attach('driver');
      expect(screen.state.meta.sessionId).toBe(conductor.state.meta.sessionId);
      expect(screen.dir).toBe(conductor.dir);
      await until(rehearsal, () => currentStage(conductor.state)?.weight === 10, 'the 10% stage');
      await untilClient(screen, () => currentStage(screen.state)?.weight === 10, 'the screen at 10%');
      // The screen's clock is the engine's accelerated clock, read from the same wall clock.
      expect(Math.abs(screen.now() - conductor.now())).toBeLessThan(conductor.clock.speed * 250);

      screen.abort();
      await until(rehearsal, () => conductor.state.rollback !== undefined, 'the rollback');
      expect(conductor.state.rollback?.trigger).toBe('conductor');
      await untilClient(
        screen,
        () => screen.state.rollback?.revertedAt !== undefined,
        'the revert on the screen',
      );
      // What the screen folded is what the journal holds.
      expect(screen.state.rollback?.reason).toBe(conductor.state.rollback?.reason);
      expect(journalOf(rehearsal).filter((e) => e.type === 'session.attached')).toHaveLength(1);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('a watcher reads but cannot act; a new driver replaces the old; with no driver the engine guards', async () => {
    const rehearsal = await runningRehearsal({ scenario: 'healthy' });
    const { conductor } = rehearsal;
    const engine = await served(rehearsal);
    try {
      const first = await engine.attach('driver');
      const watcher = await engine.attach('watcher');
      await until(rehearsal, () => currentStage(conductor.state)?.weight === 10, 'the 10% stage');
      expect(await watcher.advanceNow('a watcher tries')).toMatch(/only watches/);
      watcher.abort();
      // A raw abort line from a socket that never said hello is not the conductor's seat either.
      const stranger = connect(engine.socketPath);
      await new Promise((r) => stranger.once('connect', r));
      stranger.write('x\n');
      await new Promise((r) => setTimeout(r, 300));
      expect(conductor.state.rollback).toBeUndefined();
      stranger.destroy();

      const parted = new Promise((resolve) => first.onParting(resolve));
      const second = await engine.attach('driver');
      expect(await parted).toMatchObject({ kind: 'replaced', by: { pid: process.pid } });
      expect(conductor.mode).toBe('interactive');
      // An action from the seat goes through and its answer comes back.
      expect(await second.advanceNow('')).toMatch(/needs a reason/);

      second.disconnect();
      await until(rehearsal, () => conductor.mode === 'guard', 'the engine guarding alone');
      const detached = journalOf(rehearsal).filter((e) => e.type === 'session.detached');
      expect(detached.at(-1)).toMatchObject({ mode: 'guard', pid: process.pid });
      expect(engine.server.clients()).toEqual({ drivers: 0, watchers: 1 });
      // The watcher still sees events: the guard keeps sampling.
      const samples = watcher.state.canary?.stages.flatMap((s) => s.samples).length ?? 0;
      await untilClient(
        watcher,
        () => (watcher.state.canary?.stages.flatMap((s) => s.samples).length ?? 0) > samples,
        'a sample taken by the guard, seen by the watcher',
      );
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('quit with nothing shifted ends the engine instead of leaving a guard', async () => {
    const rehearsal = await runningRehearsal({ scenario: 'healthy' });
    const finished: string[] = [];
    const engine = await served(rehearsal, (why) => {
      finished.push(why);
      rehearsal.conductor.stop();
    });
    try {
      const screen = await engine.attach('driver');
      await screen.leave('quit');
      await until(rehearsal, () => finished.length > 0, 'the engine told to finish');
      expect(finished).toEqual(['quit']);
      expect(
        journalOf(rehearsal)
          .filter((e) => e.type === 'session.detached')
          .at(-1)?.mode,
      ).toBe('exit');
    } finally {
      await engine.close();
    }
  }, 60_000);

  it('q during a rollback leaves the engine to finish it', async () => {
    const rehearsal = await runningRehearsal({ scenario: 'healthy' });
    const { conductor } = rehearsal;
    const finished: string[] = [];
    const engine = await served(rehearsal, (why) => finished.push(why));
    try {
      const screen = await engine.attach('driver');
      await until(rehearsal, () => currentStage(conductor.state)?.weight === 10, 'the 10% stage');
      screen.abort();
      await untilClient(screen, () => screen.state.rollback?.revertedAt !== undefined, 'the revert');
      expect(screen.trafficShifted).toBe(false);
      await screen.leave('quit');
      await until(
        rehearsal,
        () => conductor.state.rollback?.completedAt !== undefined,
        'the rollback to finish',
      );
      expect(finished).toEqual([]);
      expect(conductor.state.rollback?.steps.length).toBeGreaterThan(1);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
