import { type ChildProcess, spawn } from 'node:child_process';
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

beforeAll(async () => {
  server = spawn(process.execPath, [
    '-e',
    `let n = 0; require('http').createServer((q, s) => { if (q.url === '/count') return s.end(String(n)); n++; setTimeout(() => s.end('ok'), 5); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
  ]);
  const port = await new Promise<string>((resolve) =>
    server.stdout!.once('data', (d) => resolve(String(d).trim())),
  );
  base = `http://127.0.0.1:${port}`;
});

afterAll(() => server.kill());

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
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Block this thread for 4 s, as a long render or a stuck judgement would.
    const until = performance.now() + 4_000;
    while (performance.now() < until) {
      // busy
    }
    // Counted right after the block: on the main thread, the load would have stalled with it.
    const answeredDuringBlock = Number(await (await fetch(`${base}/count`)).text());
    const result = await running;
    expect(result.requests).toBe(200);
    expect(answeredDuringBlock).toBe(200);
    // No response time took the block's 4 s.
    expect(result.p95Ms).toBeLessThan(1_000);
  }, 30_000);
});
