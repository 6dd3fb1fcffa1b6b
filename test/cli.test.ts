import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bin = new URL('../bin/conductor.js', import.meta.url).pathname;

describe('conductor CLI', () => {
  it('prints its version', () => {
    const out = execFileSync('node', [bin, '--version'], { encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists every subcommand in --help', () => {
    const out = execFileSync('node', [bin, '--help'], { encoding: 'utf8' });
    for (const cmd of [
      'rehearse',
      'start',
      'resume',
      'sessions',
      'report',
      'validate',
      'init',
      'schema',
      'sandbox',
    ]) {
      expect(out).toContain(cmd);
    }
  });

  it('rejects an unknown subcommand with exit 2', () => {
    const run = spawnSync('node', [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
  });
});
