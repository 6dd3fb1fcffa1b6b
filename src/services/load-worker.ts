import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * autocannon in a worker thread of its own: the response times it records are taken on a thread
 * that does nothing else, so an engine busy polling and judging (or a test process running the
 * sandbox too) never adds its own delays to the measured latencies. The worker's code is plain
 * CommonJS given as text, so it runs the same from the build and from the sources under test.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannon);
const buckets = new Map();
let responses = 0;
let failedAnswers = 0;
let requestErrors = 0;
const progress = setInterval(() => parentPort.postMessage({ t: 'progress', done: responses + requestErrors }), 1000);
const instance = autocannon(workerData.options, () => {
  clearInterval(progress);
  parentPort.postMessage({ t: 'done', responses, failedAnswers, requestErrors, buckets: [...buckets] });
});
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  responses++;
  if (statusCode >= 400) failedAnswers++;
  const key = Math.round(responseTime * 10);
  buckets.set(key, (buckets.get(key) || 0) + 1);
});
instance.on('reqError', () => { requestErrors++; });
parentPort.on('message', (message) => { if (message === 'stop') instance.stop(); });
`;

export interface AutocannonRun {
  responses: number;
  failedAnswers: number;
  requestErrors: number;
  /** Response times bucketed to 0.1 ms: [bucket (ms x 10), count]. */
  buckets: Array<[number, number]>;
}

export interface AutocannonControl {
  done: Promise<AutocannonRun>;
  stop(): void;
}

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon');

export function autocannonInWorker(
  options: Record<string, unknown>,
  onProgress?: (requestsDone: number) => void,
): AutocannonControl {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { autocannon: AUTOCANNON, options } });
  const done = new Promise<AutocannonRun>((resolve, reject) => {
    worker.on('message', (message: { t: 'progress'; done: number } | ({ t: 'done' } & AutocannonRun)) => {
      if (message.t === 'progress') onProgress?.(message.done);
      else {
        resolve(message);
        void worker.terminate();
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the load test's worker stopped (exit ${code})`)));
  });
  return { done, stop: () => worker.postMessage('stop') };
}
