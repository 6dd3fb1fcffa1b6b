import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/program.js';

describe('CONDUCTOR_THEME naming no theme', () => {
  const saved = { theme: process.env.CONDUCTOR_THEME, home: process.env.CONDUCTOR_HOME };
  let home: string | undefined;
  afterEach(() => {
    for (const [key, value] of [
      ['CONDUCTOR_THEME', saved.theme],
      ['CONDUCTOR_HOME', saved.home],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    if (home) rmSync(home, { recursive: true, force: true });
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  for (const command of ['rehearse', 'start']) {
    it(`${command}: refused with exit 2 and one sentence, before anything starts`, async () => {
      home = mkdtempSync(join(tmpdir(), 'conductor-theme-'));
      process.env.CONDUCTOR_HOME = home;
      process.env.CONDUCTOR_THEME = 'solarized';
      const written: string[] = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      await main(['node', 'conductor', command]);
      expect(process.exitCode).toBe(2);
      expect(written.join('')).toBe(
        'conductor: CONDUCTOR_THEME is "solarized": set it to light or dark (or auto, or unset it, to follow the terminal\'s background).\n',
      );
      // No session, no engine: the home is as it was.
      expect(readdirSync(home)).toEqual([]);
    });
  }
});
