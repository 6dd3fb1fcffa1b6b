import { describe, expect, it } from 'vitest';
import { candidateLine, pickSession, type ResumeCandidate } from '../../src/commands/resume.js';

const candidate = (id: string, facts: Partial<ResumeCandidate> = {}): ResumeCandidate => ({
  id,
  title: `session ${id}`,
  status: 'active',
  shifted: false,
  guarded: false,
  updatedAt: 0,
  ...facts,
});

describe('conductor resume without an id', () => {
  it('takes the session with traffic shifted, not a more recent one stuck at NO-GO', () => {
    const picked = pickSession([
      candidate('stuck-at-nogo', { status: 'halted', updatedAt: 2_000 }),
      candidate('canary-at-25', { shifted: true, updatedAt: 1_000 }),
    ]);
    expect(picked).toEqual({ id: 'canary-at-25' });
  });

  it('takes the session an engine still guards', () => {
    expect(pickSession([candidate('a', { updatedAt: 5 }), candidate('guarded', { guarded: true })])).toEqual({
      id: 'guarded',
    });
  });

  it('never guesses between two that matter: it returns both', () => {
    const picked = pickSession([
      candidate('one', { shifted: true }),
      candidate('two', { guarded: true }),
      candidate('three'),
    ]);
    expect(picked).toEqual({
      ambiguous: [expect.objectContaining({ id: 'one' }), expect.objectContaining({ id: 'two' })],
    });
  });

  it('lists the ones that matter most urgent first: traffic nobody guards, traffic under a guard, a guard alone', () => {
    const picked = pickSession([
      candidate('guard-only', { guarded: true, updatedAt: 9 }),
      candidate('older-canary', { shifted: true, guarded: true, updatedAt: 1 }),
      candidate('newer-canary', { shifted: true, guarded: true, updatedAt: 5 }),
      candidate('unguarded', { shifted: true }),
    ]);
    expect(picked && 'ambiguous' in picked && picked.ambiguous.map((c) => c.id)).toEqual([
      'unguarded',
      'newer-canary',
      'older-canary',
      'guard-only',
    ]);
    expect(candidateLine(candidate('u', { shifted: true }))).toBe(
      'u  session u  (active, traffic shifted, no engine guarding)',
    );
    expect(candidateLine(candidate('g', { shifted: true, guarded: true, attached: true }))).toBe(
      'g  session g  (active, traffic shifted, screen attached)',
    );
  });

  it('otherwise the most recent unfinished one; nothing when there is none', () => {
    expect(pickSession([candidate('old', { updatedAt: 1 }), candidate('new', { updatedAt: 9 })])).toEqual({
      id: 'new',
    });
    expect(pickSession([])).toBeUndefined();
  });
});
