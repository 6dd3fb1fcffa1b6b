import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** One message as the stand-in received it: the path it was posted to and its JSON body. */
export interface ReceivedPost {
  path?: string;
  body: { text: string; channel?: string };
}

/**
 * A stand-in for Slack's incoming webhooks on loopback, for the test file that calls this at its top
 * level: listening before its tests, closed after them, its list of received posts emptied before
 * each. A path with "broken" in it answers 500, as a webhook that is down does.
 */
export function webhookServer(): { received: ReceivedPost[]; readonly base: string } {
  const received: ReceivedPost[] = [];
  let base = '';
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ path: request.url, body: JSON.parse(body) });
      const broken = request.url?.includes('broken') ?? false;
      response.writeHead(broken ? 500 : 200);
      response.end(broken ? 'internal_error' : 'ok');
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  beforeEach(() => {
    received.length = 0;
  });
  return {
    received,
    /** The server's address and /services, as a Slack webhook URL begins; set once it listens. */
    get base() {
      return base;
    },
  };
}
