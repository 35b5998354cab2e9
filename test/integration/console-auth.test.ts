import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { createBodyStore } from '../../src/store/body-store';
import { startHookflowProcess, writeProcessConfig } from '../harness/hookflow-process';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * Issue #14: the console's sign-in, session cookie and CSRF protection over real HTTP on the real
 * stack. Every page but sign-in and every API call is refused without a session; every
 * state-changing call is refused without the session's CSRF token or from another origin; the
 * token is never in a log line. The browser suite (console-browser.test.ts) drives the pages.
 */
describe('console: sign-in, session and CSRF on every route', () => {
  const token = randomBytes(24).toString('hex');
  let stack: TestStack;
  let admin: RunningAdminServer;
  const logs: string[] = [];
  let workflowId: string;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [{ source: 'demo', events: ['*'], actions: [{ handler: 'ok' }] }],
      handlers: { ok: () => ({ ok: true }) },
      destinations: { crm: { url: 'http://127.0.0.1:9/crm?key=hidden', secrets: [`whsec_${randomBytes(24).toString('base64')}`] } },
    });
    const config = { ...stack.config, admin: { ...stack.config.admin, token } };
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    admin = await startAdminServer(
      { config, temporal: stack.client, events: stack.store.events, controls: stack.store.controls, bodies: createBodyStore(stack.store.bodies), receiverMetrics: stack.receiverMetrics, logger },
      '127.0.0.1',
      0,
    );
    const { id, body } = demoEvent('order.paid');
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'))).json).toMatchObject({ status: 'accepted' });
    workflowId = `demo:${id}`;
    await stack.waitForStatus(workflowId, 'succeeded');
  });

  afterAll(async () => {
    await admin?.close();
    await stack?.close();
  });

  const origin = () => admin.url;
  const request = (path: string, init: RequestInit = {}) => fetch(`${admin.url}${path}`, { redirect: 'manual', ...init });
  async function signIn(): Promise<{ cookie: string; csrfToken: string; setCookie: string }> {
    const response = await request('/console/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: origin() },
      body: JSON.stringify({ token }),
    });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie')!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return { cookie: setCookie.split(';')[0], csrfToken, setCookie };
  }
  const id = () => encodeURIComponent(workflowId);

  const PAGES = ['/console', '/console/', '/console/events', '/console/events/demo%3Aevt_1', '/console/sources', '/console/destinations'];
  const API_GETS = () => [
    '/console/api/session',
    '/console/api/sources',
    '/console/api/destinations',
    '/console/api/overview',
    '/console/api/search?q=evt_1',
    `/console/api/events/${id()}`,
    `/console/api/events/${id()}/raw`,
    '/console/api/admin/events',
    `/console/api/admin/events/${id()}`,
    '/console/api/nothing-here',
  ];
  const API_POSTS = () => [
    `/console/api/admin/events/${id()}/retry`,
    `/console/api/admin/events/${id()}/replay`,
    `/console/api/admin/events/${id()}/cancel`,
    `/console/api/admin/events/${id()}/terminate`,
    '/console/api/admin/events/retry',
    '/console/api/admin/events/replay',
    '/console/api/admin/destinations/crm/pause',
    '/console/api/admin/destinations/crm/resume',
    '/console/api/admin/sources/demo/pause',
    '/console/api/admin/sources/demo/resume',
  ];

  test('without a session every page redirects to sign-in, and the sign-in page and the bundle are served', async () => {
    for (const page of PAGES) {
      const response = await request(page);
      expect([page, response.status, response.headers.get('location')]).toEqual([page, 303, '/console/sign-in']);
    }
    const signInPage = await request('/console/sign-in');
    expect(signInPage.status).toBe(200);
    expect(signInPage.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await signInPage.text()).toContain('/console/assets/app.js');
    for (const asset of ['/console/assets/app.js', '/console/assets/app.css']) {
      const response = await request(asset);
      expect([asset, response.status]).toEqual([asset, 200]);
      expect((await response.text()).length).toBeGreaterThan(1_000);
    }
  });

  test('without a session every API call is refused with 401 JSON, and nothing runs', async () => {
    for (const path of API_GETS()) {
      const response = await request(path);
      expect([path, response.status, await response.json()]).toEqual([path, 401, { error: 'sign in to the console first' }]);
    }
    for (const path of [...API_POSTS(), '/console/api/session']) {
      const method = path === '/console/api/session' ? 'DELETE' : 'POST';
      const response = await request(path, { method, headers: { 'content-type': 'application/json', origin: origin() }, body: '{"reason":"x"}' });
      expect([path, response.status]).toEqual([path, 401]);
    }
    // A made-up cookie is no session either.
    const forged = await request('/console/api/sources', { headers: { cookie: `hookflow_console=${randomBytes(32).toString('base64url')}` } });
    expect(forged.status).toBe(401);
    // The bearer token is not a console session, nor is the console a way around the API's check.
    expect((await request('/console/api/sources', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await request('/events')).status).toBe(401);
    expect(await stack.store.events.countDocuments({ replayOf: workflowId })).toBe(0);
  });

  test('a wrong or missing token is refused; the right one sets an HttpOnly, SameSite=Strict session cookie', async () => {
    const wrong = await request('/console/api/session', { method: 'POST', headers: { 'content-type': 'application/json', origin: origin() }, body: JSON.stringify({ token: `${token}x` }) });
    expect([wrong.status, await wrong.json(), wrong.headers.get('set-cookie')]).toEqual([403, { error: 'wrong admin token' }, null]);
    const missing = await request('/console/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(401);
    const crossSite = await request('/console/api/session', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ token }) });
    expect([crossSite.status, crossSite.headers.get('set-cookie')]).toEqual([403, null]);

    const { setCookie, cookie, csrfToken } = await signIn();
    expect(setCookie).toMatch(/^hookflow_console=[A-Za-z0-9_-]{43}; Path=\/console; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(token);
    const session = await request('/console/api/session', { headers: { cookie } });
    expect(await session.json()).toMatchObject({ csrfToken });
    // Behind a TLS proxy the cookie is Secure.
    const viaHttps = await request('/console/api/session', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, body: JSON.stringify({ token }) });
    expect(viaHttps.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  test('with a session: pages and reads are served; state-changing calls need the CSRF token and our Origin', async () => {
    const { cookie, csrfToken } = await signIn();
    for (const page of PAGES) {
      const response = await request(page, { headers: { cookie } });
      expect([page, response.status]).toEqual([page, 200]);
    }
    for (const path of API_GETS().filter((p) => !p.endsWith('nothing-here'))) {
      const response = await request(path, { headers: { cookie } });
      expect([path, response.status]).toEqual([path, 200]);
    }
    expect((await request('/console/api/nothing-here', { headers: { cookie } })).status).toBe(404);

    const replay = `/console/api/admin/events/${id()}/replay`;
    const post = (headers: Record<string, string>) => request(replay, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{"reason":"csrf check"}' });
    expect((await post({ origin: origin() })).status).toBe(403); // no CSRF token
    expect((await post({ origin: origin(), 'x-csrf-token': `${csrfToken}x` })).status).toBe(403);
    expect((await post({ origin: 'https://evil.example', 'x-csrf-token': csrfToken })).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrfToken })).status).toBe(403); // no Origin
    expect(await stack.store.events.countDocuments({ replayOf: workflowId })).toBe(0);

    const ok = await post({ origin: origin(), 'x-csrf-token': csrfToken });
    expect([ok.status, await ok.json()]).toEqual([200, expect.objectContaining({ started: true, workflowId: `${workflowId}#replay-1` })]);

    // The raw body is the delivery's bytes, as a download; the detail's headers hold no secret.
    const raw = await request(`/console/api/events/${id()}/raw`, { headers: { cookie } });
    expect(raw.headers.get('content-disposition')).toMatch(/^attachment; /);
    const detail = (await (await request(`/console/api/events/${id()}`, { headers: { cookie } })).json()) as { event: { headers: Record<string, string> } };
    expect(Object.keys(detail.event.headers)).not.toContain('x-signature');
    // The destination's URL is shown without its query.
    const destinations = (await (await request('/console/api/destinations', { headers: { cookie } })).json()) as { destinations: { url: string }[] };
    expect(destinations.destinations[0].url).toBe('http://127.0.0.1:9/crm');

    // Signing out ends the session at once.
    const out = await request('/console/api/session', { method: 'DELETE', headers: { cookie, origin: origin(), 'x-csrf-token': csrfToken } });
    expect([out.status, out.headers.get('set-cookie')]).toEqual([204, expect.stringContaining('Max-Age=0')]);
    expect((await request('/console/api/sources', { headers: { cookie } })).status).toBe(401);
  });

  test('no log line holds the token, a session ID or a CSRF token', async () => {
    const { cookie, csrfToken } = await signIn();
    await request('/console/api/sources', { headers: { cookie } });
    const all = logs.join('\n');
    expect(logs.some((l) => l.includes('/console/api/sources'))).toBe(true);
    expect(all).not.toContain(token);
    expect(all).not.toContain(cookie.split('=')[1]);
    expect(all).not.toContain(csrfToken);
  });

  test('a real `hookflow receiver` process serves the console on its admin address, with that receiver\'s own delivery counts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-console-'));
    const configPath = writeProcessConfig(dir, stack.config, {
      server: { host: '127.0.0.1', port: 0 },
      admin: { host: '127.0.0.1', port: 0 },
      sources: { demo: DEMO_SOURCE },
      routes: [{ source: 'demo', events: ['*'], actions: [{ handler: 'ok' }] }],
    });
    const receiver = startHookflowProcess('receiver', configPath, { HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_ADMIN_PORT: '0' });
    try {
      const { url } = (await receiver.waitForLog('receiver listening')) as { url: string };
      const { url: adminUrl } = (await receiver.waitForLog('admin API listening')) as { url: string };
      const { id, body } = demoEvent('order.paid');
      expect(await (await fetch(`${url}/webhooks/demo`, { method: 'POST', body, headers: hmacHeaders(body, 'test-secret') })).json()).toMatchObject({ status: 'accepted' });
      const bad = demoEvent('order.paid');
      expect((await fetch(`${url}/webhooks/demo`, { method: 'POST', body: bad.body, headers: hmacHeaders(bad.body, 'wrong') })).status).toBe(401);
      await stack.waitForStatus(`demo:${id}`, 'succeeded'); // this suite's worker shares the task queue

      const signIn = await fetch(`${adminUrl}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: adminUrl }, body: JSON.stringify({ token }) });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
      const page = await fetch(`${adminUrl}/console/events`, { headers: { cookie } });
      expect([page.status, await page.text()]).toEqual([200, expect.stringContaining('/console/assets/app.js')]);
      expect((await fetch(`${adminUrl}/console/assets/app.js`)).status).toBe(200);
      const { sources } = (await (await fetch(`${adminUrl}/console/api/sources`, { headers: { cookie } })).json()) as { sources: any[] };
      expect(sources).toEqual([
        expect.objectContaining({
          name: 'demo',
          provider: 'hmac',
          deliveries: { accepted: 1, duplicate: 0, rejected: 1, other: 0 },
          signatureFailures: { no_matching_signature: 1 },
        }),
      ]);
      const overview = (await (await fetch(`${adminUrl}/console/api/overview`, { headers: { cookie } })).json()) as { ackLatency: { overall: { count: number; p50: number } } };
      expect(overview.ackLatency.overall).toMatchObject({ count: 1, p50: expect.any(Number) });
      expect(receiver.logs.map((l) => JSON.stringify(l)).join('\n')).not.toContain(token);
    } finally {
      receiver.child.kill('SIGTERM');
      await receiver.exited;
    }
  });
});
