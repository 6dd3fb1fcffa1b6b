import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadStep } from '../../src/core/runbook/schema.js';
import { runLoad } from '../../src/services/load.js';

/**
 * The load generator runs on a thread of its own: while the process's main thread is busy (an
 * engine polling and judging, a screen drawing charts) the requests go on and their times are
 * taken on a thread that does nothing else. The server, in a process of its own, counts what it
 * answered, so the test does not depend on how fast this machine is.
 */
let server: ChildProcess;
let base = '';
/** The server also writes its count here: a blocked main thread can read a file, not ask over HTTP. */
const countDir = mkdtempSync(join(tmpdir(), 'conductor-load-busy-'));
const countFile = join(countDir, 'count');
const answered = (): number => {
  try {
    return Number(readFileSync(countFile, 'utf8')) || 0;
  } catch {
    return 0;
  }
};

beforeAll(async () => {
  server = spawn(process.execPath, [
    '-e',
    `let n = 0; const fs = require('fs'); require('http').createServer((q, s) => { if (q.url === '/count') return s.end(String(n)); n++; setTimeout(() => { fs.writeFileSync(${JSON.stringify(countFile)}, String(n)); s.end('ok'); }, 5); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
  ]);
  const port = await new Promise<string>((resolve) =>
    server.stdout!.once('data', (d) => resolve(String(d).trim())),
  );
  base = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  server.kill();
  rmSync(countDir, { recursive: true, force: true });
});

describe('the load test while the main thread is blocked', () => {
  it('keeps making requests and finishes them all: nothing waits for the main thread', async () => {
    const step: LoadStep = {
      id: 'load',
      title: 'Load test',
      kind: 'load',
      url: `${base}/`,
      method: 'GET',
      requests: 200,
      concurrency: 4,
      maxErrorRatePct: 1,
      maxP95: 5_000,
    };
    const running = runLoad(step);
    // Once the load has begun (its thread starts at the pace of a busy machine, not in 300 ms)...
    const startBy = Date.now() + 20_000;
    while (answered() === 0 && Date.now() < startBy) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(answered(), 'the load test to begin').toBeGreaterThan(0);
    // ...block this thread, as a long render or a stuck judgement would, until the server has
    // answered every request or 20 s have passed. On the main thread, the load would stall with it.
    const blockedUntil = performance.now() + 20_000;
    let answeredDuringBlock = answered();
    while (answeredDuringBlock < 200 && performance.now() < blockedUntil) answeredDuringBlock = answered();
    const result = await running;
    expect(answeredDuringBlock).toBe(200);
    expect(result.requests).toBe(200);
    expect(Number(await (await fetch(`${base}/count`)).text())).toBe(200);
    // No response time took a stalled thread's seconds.
    expect(result.p95Ms).toBeLessThan(1_000);
  }, 60_000);
});
