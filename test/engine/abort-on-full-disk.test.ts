import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type JournalWriteError, readJournal } from '../../src/services/store/journal.js';
import { mountSmallDisk, type SmallDisk } from '../support/tmpfs.js';
import {
  aliasesAtSandbox,
  canaryWeightAtSandbox,
  requestsTo,
  runningRehearsal,
  stageOf,
  until,
} from './helpers.js';

const mounted = mountSmallDisk(64);
const disk = 'skip' in mounted ? undefined : mounted;

describe.skipIf(!disk)(
  `a full disk does not stop an abort (ENOSPC on a tmpfs${'skip' in mounted ? `; skipped: ${mounted.skip}` : ''})`,
  () => {
    const small = disk as SmallDisk;
    afterAll(() => small.unmount());

    it('the revert requests go out and are sent again until AWS confirms them, though nothing more can be journaled', async () => {
      const r = await runningRehearsal({
        scenario: 'healthy',
        advanceBelow: 25,
        home: join(small.dir, 'home'),
      });
      const failures: JournalWriteError[] = [];
      r.conductor.onJournalFailure((error) => failures.push(error));
      await until(r, () => (stageOf(r)?.samples.length ?? 0) >= 1, 'a sample of the first stage');
      const file = r.store.journalFile(r.conductor.state.meta.sessionId);

      // AWS is slow to take the revert, and the disk is full: both at once.
      r.sandbox.faults.set({
        operation: 'lambda:UpdateAlias',
        errorRate: 1,
        errorCode: 'ServiceUnavailable',
      });
      small.fill();
      // The journal's own last page may still take a line or two: the disk is full once it refuses one.
      for (let n = 0; failures.length === 0 && n < 10_000; n++) {
        try {
          r.conductor.dispatch({ type: 'warning', at: r.clock.now(), message: `filling ${n}` });
        } catch {
          // refused: the failure was said to the listener
        }
      }
      expect(failures).toHaveLength(1);
      expect(failures[0].code).toBe('ENOSPC');
      const abortAt = r.clock.now();
      // x: the revert leaves first; its journal line then meets the full disk.
      expect(() => r.conductor.abort()).toThrow(failures[0]);
      expect(failures).toHaveLength(1);
      const revert = r.conductor.revertInFlight();
      expect(revert).toBeDefined();

      // The revert went out at once and keeps being sent, on its own schedule, with no journal.
      await until(
        r,
        () => requestsTo(r, 'lambda', 'UpdateAlias', abortAt).length > 0,
        'the revert requests',
        5_000,
      );
      await until(
        r,
        () => /could not reach AWS.*\(attempt 3\)/.test(r.conductor.waiting?.message ?? ''),
        'the second failed revert attempt, on screen',
        20_000,
      );
      r.sandbox.faults.clear();
      const landed = (await revert) as { attempts: number } | undefined;
      expect(landed?.attempts).toBeGreaterThanOrEqual(3);
      expect(canaryWeightAtSandbox(r)).toBe(0);
      for (const alias of aliasesAtSandbox(r)) expect(alias.functionVersion).toBe(alias.stableVersion);

      // Nothing after the failure reached the journal, which ends with its last whole line.
      const read = readJournal(file);
      expect(read.broken).toBeUndefined();
      expect(read.tornTail).toBeUndefined();
      expect(read.events).toHaveLength(failures[0].recorded);
      expect(read.events.some((e) => e.type === 'rollback.started')).toBe(false);
      small.free();
    }, 180_000);
  },
);
