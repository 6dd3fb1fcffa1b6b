import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadRunbook, type RunbookCache, runbookCacheDir } from '../../src/wiring/runbook-file.js';

const SEED = readFileSync('runbooks/bbws.yaml', 'utf8');

// Each parse of the 40 kB seed runbook takes seconds on a busy shared machine.
describe('loadRunbook with the cache of validated runbooks', { timeout: 90_000 }, () => {
  let work: string;
  let cache: RunbookCache;
  const write = (name: string, text: string) => {
    const file = join(work, name);
    writeFileSync(file, text);
    return file;
  };
  const entries = () => readdirSync(cache.dir).filter((f) => f.endsWith('.v8'));

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'conductor-runbook-cache-'));
    cache = { build: 'build-1', dir: join(work, 'cache', 'conductor', 'runbooks') };
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('gives back what the parser gives, first parsed, then read from the cache', async () => {
    const file = write('bbws.yaml', SEED);
    const parsed = await loadRunbook(file, undefined);
    const first = await loadRunbook(file, cache);
    expect(first.runbook).toEqual(parsed.runbook);
    expect(entries()).toHaveLength(1);
    // Private to the user: the cache decides what a session runs.
    expect(statSync(cache.dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(cache.dir, entries()[0])).mode & 0o777).toBe(0o600);

    const second = await loadRunbook(file, cache);
    expect(second.runbook).toEqual(parsed.runbook);
    expect(second.text).toBe(SEED);
    expect(entries()).toHaveLength(1);
  });

  it('reads an entry from the cache, keyed by the build and the text', async () => {
    const file = write('bbws.yaml', SEED);
    await loadRunbook(file, cache);
    // Proof that the second load comes from the cache: an entry altered by hand is what it returns.
    const [entry] = entries();
    const { serialize, deserialize } = await import('node:v8');
    const altered = deserialize(readFileSync(join(cache.dir, entry)));
    altered.runbook.title = 'from the cache';
    writeFileSync(join(cache.dir, entry), serialize(altered));
    expect((await loadRunbook(file, cache)).runbook.runbook.title).toBe('from the cache');
    // Another build never trusts that entry: it parses again.
    const rebuilt = await loadRunbook(file, { ...cache, build: 'build-2' });
    expect(rebuilt.runbook.runbook.title).not.toBe('from the cache');
    expect(entries()).toHaveLength(2);
  });

  it('parses again when the text changed, and a changed title shows', async () => {
    const file = write('bbws.yaml', SEED);
    const before = await loadRunbook(file, cache);
    const edited = SEED.replace(`title: ${before.runbook.runbook.title}`, 'title: Edited since');
    expect(edited).not.toBe(SEED);
    writeFileSync(file, edited);
    expect((await loadRunbook(file, cache)).runbook.runbook.title).toBe('Edited since');
  });

  it('never caches a runbook that does not validate, and still refuses it', async () => {
    const file = write('broken.yaml', `${SEED}\npromotions: [`);
    await expect(loadRunbook(file, cache)).rejects.toBeInstanceOf(UserError);
    await expect(loadRunbook(file, cache)).rejects.toThrow(/broken\.yaml:\d+:\d+/);
    expect(() => readdirSync(cache.dir)).toThrow();
  });

  it('parses when an entry is damaged', async () => {
    const file = write('bbws.yaml', SEED);
    const parsed = await loadRunbook(file, cache);
    writeFileSync(join(cache.dir, entries()[0]), 'not a serialized runbook');
    expect((await loadRunbook(file, cache)).runbook).toEqual(parsed.runbook);
  });

  it('lives in the user cache folder', () => {
    expect(runbookCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/conductor/runbooks');
  });
});
