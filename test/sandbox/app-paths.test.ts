// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { describe, expect, it } from 'vitest';
import { applicationLine } from '../../src/commands/sandbox.js';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import { appRequestsOf } from '../../src/sandbox/app-paths.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { acceleratedClock } from '../../src/services/clock.js';
import { loadRunbook } from '../../src/wiring/session-runtime.js';

const shopYaml = `
runbook: { id: shop, title: Shop, version: '1' }
roles: [{ id: lead, title: Lead }]
environments:
  - { id: test, title: TEST, accountId: '123456789013', region: eu-west-1, baseUrl: 'https://test.shop.example' }
  - { id: prod, title: PROD, accountId: '123456789012', region: eu-west-1, baseUrl: 'https://shop.example' }
promotions:
  - id: ship
    title: Ship
    from: test
    to: prod
    phases:
      - id: p
        title: P
        steps:
          - { id: a, title: A, kind: http, url: "\${baseUrl}/api/ping?deep=1" }
          - { id: b, title: B, kind: load, method: POST, url: "\${baseUrl}/api/cart", concurrency: 2, requests: 10, maxErrorRatePct: 1, maxP95: 2s }
          - { id: c, title: C, kind: http, url: "https://status.example/api/ping" }
          - { id: d, title: D, kind: http, url: "\${baseUrl}/api/ping" }
    rollback:
      steps:
        - { id: r, title: R, kind: http, url: "\${baseUrl}" }
`;

function shop() {
  const parsed = parseRunbook(shopYaml, 'shop.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.runbook.promotions[0];
}

describe("the application requests a promotion's checks make", () => {
  it("are another team's own paths under ${baseUrl}, each once, queries left off", () => {
    expect(appRequestsOf(shop())).toEqual(['GET /api/ping', 'POST /api/cart', 'GET /']);
  });

  it('are what the sandbox banner names: no BBWS path for a runbook that has none', () => {
    const line = applicationLine('http://127.0.0.1:4566/app', shop());
    expect(line).toBe(
      'Application: http://127.0.0.1:4566/app (the runbook asks for GET /api/ping, POST /api/cart, GET /)',
    );
    expect(line).not.toMatch(/products|orders|auth/);
    expect(applicationLine('http://127.0.0.1:4566/app', undefined)).toBe(
      "Application: http://127.0.0.1:4566/app (the runbook's steps make no request of it)",
    );
  });

  it('for the shipped runbook are the ones its checks and load tests make', async () => {
    const { runbook } = await loadRunbook('runbooks/bbws.yaml');
    const promotion = runbook.promotions.find((p) => p.id === 'sit-to-prod')!;
    expect(appRequestsOf(promotion)).toEqual(['GET /health', 'GET /products/list']);
  });
});

const shopWithCanaryYaml = `
runbook: { id: shop, title: Shop, version: '1' }
roles: [{ id: lead, title: Lead }]
environments:
  - { id: test, title: TEST, accountId: '123456789013', region: eu-west-1, baseUrl: 'https://test.shop.example' }
  - { id: prod, title: PROD, accountId: '123456789012', region: eu-west-1, baseUrl: 'https://shop.example', production: true }
promotions:
  - id: ship
    title: Ship
    from: test
    to: prod
    phases:
      - id: p
        title: P
        steps:
          - { id: ping, title: Ping, kind: http, url: "\${baseUrl}/api/ping", bodyContains: 'pong' }
          - { id: made, title: Made, kind: http, method: POST, url: "\${baseUrl}/api/cart", body: '{}', expectStatus: 201 }
          - id: canary
            title: Canary
            kind: canary
            targets: { lambdas: [{ functionName: shop-api, alias: live }] }
            stages: [{ weight: 50, hold: 5m }, { weight: 100, hold: 5m }]
            bands:
              pass: { errorRatePct: 1, p95OverBaselinePct: 20 }
              nogo: { errorRatePct: 2, p95OverBaselinePct: 40 }
              rollback: { errorRatePct: 5, p95OverBaselinePct: 100 }
    rollback:
      steps:
        - { id: r, title: R, kind: traffic-revert }
`;

describe("the sandbox answers another team's application as its checks expect", () => {
  it('with the status and the text each http check asks for; a path no check names is still 404', async () => {
    const parsed = parseRunbook(shopWithCanaryYaml, 'shop.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const sandbox = await startSandbox({ runbook: parsed.runbook, clock: acceleratedClock(60) });
    try {
      const ping = await fetch(`${sandbox.appUrl}/api/ping`);
      expect(ping.status).toBe(200);
      expect(await ping.text()).toContain('pong');
      const cart = await fetch(`${sandbox.appUrl}/api/cart`, { method: 'POST', body: '{}' });
      expect(cart.status).toBe(201);
      expect((await fetch(`${sandbox.appUrl}/api/nowhere`)).status).toBe(404);
    } finally {
      await sandbox.close();
    }
  });
});
