import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { PermanentError } from '../../src/handlers/permanent-error';
import { waitUntil } from '../../src/stack/wait-until';
import { createBodyStore } from '../../src/store/body-store';
import { launchChromium } from '../harness/chromium-browser';
import { startDestinationServer, type DestinationServer } from '../harness/destination-server';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const ROOT = path.resolve(__dirname, '../..');
/** Screenshots of each page at both sizes, kept as test artifacts (gitignored). */
const ARTIFACTS = path.join(ROOT, '.hookflow', 'artifacts', 'console');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/**
 * Issue #14 in a real browser: Playwright driving Debian's Chromium against the console of a real
 * admin server, over a real receiver, worker, Temporal and MongoDB-protocol server. One browser
 * and one page for the whole file; the tests run in order and build on each other's events.
 */
describe('console in a real browser', () => {
  const token = randomBytes(24).toString('hex');
  const destinationSecret = `whsec_${randomBytes(32).toString('base64')}`;
  let destination: DestinationServer;
  let stack: TestStack;
  let admin: RunningAdminServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requestedUrls: string[] = [];
  let billingFixed = false;
  const sent = new Map<string, { id: string; workflowId: string; body: string }>();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    destination = await startDestinationServer(destinationSecret);
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE, shop: DEMO_SOURCE },
      destinations: { crm: { url: `${destination.url}/crm`, secrets: [destinationSecret], timeoutMs: 5_000 } },
      routes: [
        { source: 'demo', events: ['order.*'], actions: [{ handler: 'fulfil' }] },
        { source: 'demo', events: ['invoice.*'], actions: [{ handler: 'billing' }] },
        { source: 'demo', events: ['signup.*'], actions: [{ forward: 'crm' }] },
        { source: 'demo', events: ['slow.*'], actions: [{ handler: 'slow' }] },
        { source: 'shop', events: ['*'], actions: [{ handler: 'fulfil' }] },
      ],
      handlers: {
        fulfil: (event) => ({ fulfilled: event.id }),
        // Runs until the event is cancelled (or terminated): Cancel and Terminate need a running event.
        slow: (_event, { signal }) =>
          new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled by the operator')), { once: true })),
        billing: () => {
          if (!billingFixed) throw new PermanentError('the billing service refuses this invoice');
          return { billed: true };
        },
      },
      retry: { initialIntervalMs: 100, maximumIntervalMs: 200, maximumAttempts: 2 },
    });
    const config = {
      ...stack.config,
      server: { ...stack.config.server, publicUrl: stack.receiver.url },
      admin: { ...stack.config.admin, token },
    };
    admin = await startAdminServer(
      {
        config,
        temporal: stack.client,
        events: stack.store.events,
        controls: stack.store.controls,
        attempts: stack.store.attempts,
        bodies: createBodyStore(stack.store.bodies),
        receiverMetrics: stack.receiverMetrics,
        logger: pino({ level: 'silent' }),
      },
      '127.0.0.1',
      0,
    );
    // Launch while the events are processed.
    const launching = launchChromium();
    for (const [name, source, type] of [
      ['order1', 'demo', 'order.paid'],
      ['order2', 'demo', 'order.paid'],
      ['order3', 'demo', 'order.paid'],
      ['invoice', 'demo', 'invoice.created'],
      ['signup', 'demo', 'signup.created'],
      ['shop1', 'shop', 'order.created'],
      ['shop2', 'shop', 'order.created'],
    ] as const) {
      sent.set(name, await deliver(source, type));
    }
    // One delivery with a wrong signature: refused, and counted by reason.
    const bad = demoEvent('order.paid');
    expect((await stack.post('/webhooks/demo', bad.body, hmacHeaders(bad.body, 'not-the-secret'))).status).toBe(401);
    await stack.waitForStatus(sent.get('invoice')!.workflowId, 'failed');
    for (const name of ['order1', 'order2', 'order3', 'signup', 'shop1', 'shop2']) await stack.waitForStatus(sent.get(name)!.workflowId, 'succeeded');

    browser = await launching;
    context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    page = await context.newPage();
    page.on('request', (request) => requestedUrls.push(request.url()));
  }, 15 * 60_000); // a first run may install Chromium with apt-get

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await admin?.close();
    await stack?.close();
    await destination?.close();
  });

  async function deliver(source: string, type: string) {
    const { id, body } = demoEvent(type);
    expect((await stack.post(`/webhooks/${source}`, body, hmacHeaders(body, 'test-secret'))).json).toMatchObject({ status: 'accepted' });
    return { id, workflowId: `${source}:${id}`, body };
  }
  const url = (p: string) => `${admin.url}/console${p}`;
  const eventUrl = (workflowId: string) => url(`/events/${encodeURIComponent(workflowId)}`);
  const eventsTable = () => page.getByRole('region', { name: 'Events, newest first' });
  /** Data rows of the events table (the header row aside). */
  const eventRows = () => eventsTable().locator('tbody tr');
  /** The event page's status (the first of its facts). */
  const statusBadge = () => page.locator('.facts').first().locator('.badge');
  const shot = async (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}-${page.viewportSize()!.width}.png`), fullPage: true });
  /** Pixels the page is wider than the window (0 when nothing overflows sideways). */
  const horizontalOverflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

  test('a wrong token is refused and no session is set; pages redirect to sign-in', async () => {
    await page.goto(url('/events'));
    await page.waitForURL(url('/sign-in'));
    await page.getByLabel('Admin token').fill(`${token}-wrong`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectAlert('Wrong admin token.');
    expect(page.url()).toBe(url('/sign-in'));
    expect(await context.cookies()).toEqual([]);
    await shot('sign-in');
  });

  test('signing in with the token opens the console; the cookie is HttpOnly and SameSite=Strict; the token is nowhere on the page or in an address', async () => {
    await page.getByLabel('Admin token').fill(token);
    await page.getByLabel('Admin token').press('Enter');
    await page.waitForURL(url(''));
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'hookflow_console', httpOnly: true, sameSite: 'Strict', path: '/console' })]);
    expect(cookies[0].value).not.toContain(token);
    expect(await page.content()).not.toContain(token);
    expect(await page.evaluate<string>('document.cookie')).toBe(''); // HttpOnly: no script can read it
    expect(requestedUrls.filter((u) => u.includes(token))).toEqual([]);
  });

  test('the list shows the events sent through the receiver, and live refresh adds a new one', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    await expectRows(7);
    for (const { id } of sent.values()) await eventsTable().getByRole('link', { name: id }).waitFor();
    const invoiceRow = eventRows().filter({ hasText: sent.get('invoice')!.id });
    await expectText(invoiceRow, ['demo', 'invoice.created', 'failed']);

    // A new delivery appears without reloading (live refresh is on by default).
    expect(await page.getByLabel('Live refresh').isChecked()).toBe(true);
    const late = await deliver('shop', 'order.created');
    sent.set('late', late);
    await eventsTable().getByRole('link', { name: late.id }).waitFor({ timeout: 15_000 });
    await expectRows(8);
    await shot('events');
  });

  test('filters by source, type, status and time range narrow the list; the event-ID search finds one event', async () => {
    await page.getByLabel('Source').selectOption('shop');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/console\/events\?source=shop$/);
    await expectRows(3);
    expect(await eventRows().filter({ hasText: 'demo' }).count()).toBe(0);

    await page.getByLabel('Source').selectOption('demo');
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/source=demo&status=failed/);
    await expectRows(1);
    await eventsTable().getByRole('link', { name: sent.get('invoice')!.id }).waitFor();

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Type').fill('order.paid');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/type=order.paid/);
    await expectRows(3);

    // A time range from tomorrow holds nothing; one from an hour ago holds them all.
    const local = (ms: number) => {
      const d = new Date(ms);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    };
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('From').fill(local(Date.now() + 24 * 3600_000));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/from=/);
    await eventsTable().getByText('No events.').waitFor();
    await page.getByLabel('From').fill(local(Date.now() - 3600_000));
    await page.getByLabel('To').fill(local(Date.now() + 3600_000));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/to=/);
    await expectRows(8);

    await page.getByRole('searchbox', { name: 'Event ID' }).fill(sent.get('order2')!.id);
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.getByRole('region', { name: `Events matching ${sent.get('order2')!.id}` });
    await results.getByRole('link', { name: sent.get('order2')!.id }).waitFor();
    await waitUntil('one search result', async () => ((await results.locator('tbody tr').count()) === 1 ? true : undefined), { timeoutMs: 5_000, intervalMs: 100 });
  });

  test('the detail shows the exact payload, headers without the signature, the timeline, the Temporal UI link, and the raw body download', async () => {
    const { id, workflowId, body } = sent.get('order1')!;
    await page.goto(url('/events'));
    await eventsTable().getByRole('link', { name: id }).click();
    await page.getByRole('heading', { name: workflowId, level: 1 }).waitFor();
    const payload = page.getByLabel('Payload as JSON');
    await expectText(payload, [`"${id}"`, '"order.paid"', '4200', '"eur"', '"héllo ✓"']);
    // Collapsible: closing the data object hides its fields.
    await payload.getByText('data:').click();
    expect(await payload.getByText('"héllo ✓"').isVisible()).toBe(false);
    await payload.getByText('data:').click();
    expect(await payload.getByText('"héllo ✓"').isVisible()).toBe(true);

    const headers = page.getByRole('region', { name: 'Request headers' });
    await expectText(headers, ['content-type', 'application/json']);
    expect(await headers.textContent()).not.toContain('x-signature');
    expect(await headers.textContent()).not.toContain('sha256=');

    await expectText(page.getByRole('region', { name: 'Timeline' }).or(page.locator('section', { has: page.getByRole('heading', { name: 'Timeline' }) })), ['Received', 'Run started', 'handler:fulfil: succeeded after 1 attempt', 'Ended succeeded']);
    await expectText(page.locator('article', { has: page.getByRole('heading', { name: /handler:fulfil/ }) }), ['Attempts', '1', `"${id}"`]);
    const temporalLink = page.getByRole('link', { name: 'Open in the Temporal UI' });
    expect(await temporalLink.getAttribute('href')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download raw body' }).click()]);
    expect(readFileSync((await download.path())!, 'utf8')).toBe(body);
    await shot('event');
  });

  test('Retry on a failed event, once the handler is fixed, makes it succeed; the reason is recorded', async () => {
    const { workflowId } = sent.get('invoice')!;
    await page.goto(eventUrl(workflowId));
    await page.getByRole('heading', { name: workflowId, level: 1 }).waitFor();
    await statusBadge().filter({ hasText: 'failed' }).waitFor();
    await expectText(page.locator('article', { has: page.getByRole('heading', { name: /handler:billing/ }) }), ['the billing service refuses this invoice']);
    // The failed attempt's own record (the attempts collection) is on the timeline.
    await expectText(page.locator('section', { has: page.getByRole('heading', { name: 'Timeline' }) }), ['handler:billing: attempt 1 failed (handler:billing: the billing service refuses this invoice)']);

    billingFixed = true;
    await page.getByRole('button', { name: 'Retry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retry?' });
    await dialog.getByLabel(/Reason/).fill('billing fixed');
    await dialog.getByRole('button', { name: 'Confirm retry' }).click();
    await page.getByRole('status').filter({ hasText: 'Retry started: handler:billing' }).waitFor();
    expect(await dialog.isVisible()).toBe(false);

    const done = await stack.waitForStatus(workflowId, 'succeeded');
    expect(done.intervention).toMatchObject({ action: 'retry', reason: 'billing fixed' });
    // The page follows on its own (it refreshes while open).
    await statusBadge().filter({ hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    await expectText(page.getByRole('region', { name: 'Timeline' }).or(page.locator('section', { has: page.getByRole('heading', { name: 'Timeline' }) })), ['Operator retry: billing fixed']);
  });

  test('Replay creates a linked run: its own page links to the original, and the original lists it', async () => {
    const { workflowId } = sent.get('order2')!;
    await page.goto(eventUrl(workflowId));
    await page.getByRole('heading', { name: workflowId, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Replay' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay?' });
    await dialog.getByRole('button', { name: 'Confirm replay' }).click();
    const replayId = `${workflowId}#replay-1`;
    await page.getByRole('heading', { name: replayId, level: 1 }).waitFor();
    expect(page.url()).toBe(eventUrl(replayId));
    await page.getByRole('link', { name: workflowId }).waitFor();
    const replay = await stack.waitForStatus(replayId, 'succeeded');
    expect(replay.replayOf).toBe(workflowId);
    expect((await stack.waitForWorkflow(replayId, 'COMPLETED')).status.name).toBe('COMPLETED');

    await page.getByRole('link', { name: workflowId }).click();
    await page.getByRole('heading', { name: workflowId, level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Replays of this event' }).getByRole('link', { name: sent.get('order2')!.id }).waitFor();
  });

  test('Cancel and Terminate are offered only while an event runs, and ask for a required reason', async () => {
    const { workflowId } = sent.get('order3')!;
    await page.goto(eventUrl(workflowId));
    await page.getByRole('heading', { name: workflowId, level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel event' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Terminate' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true); // succeeded: replay instead

    for (const [button, confirm, status, temporalStatus] of [
      ['Cancel event', 'Confirm cancel event', 'cancelled', 'CANCELLED'],
      ['Terminate', 'Confirm terminate', 'terminated', 'TERMINATED'],
    ] as const) {
      const slow = await deliver('demo', 'slow.job');
      sent.set(`slow ${status}`, slow);
      await stack.waitForStatus(slow.workflowId, 'processing');
      await page.goto(eventUrl(slow.workflowId));
      const action = page.getByRole('button', { name: button });
      await waitUntil(`${button} to be enabled`, async () => ((await action.isEnabled()) ? true : undefined), { timeoutMs: 15_000, intervalMs: 100 });
      await action.click();
      const dialog = page.getByRole('dialog', { name: `${button}?` });
      await dialog.getByRole('button', { name: confirm }).click();
      await dialog.getByRole('alert').filter({ hasText: 'A reason is required.' }).waitFor();
      expect((await stack.client.workflow.getHandle(slow.workflowId).describe()).status.name).toBe('RUNNING');
      await dialog.getByLabel(/Reason/).fill(`stop ${status}`);
      await dialog.getByRole('button', { name: confirm }).click();
      await dialog.waitFor({ state: 'hidden' });
      await stack.waitForWorkflow(slow.workflowId, temporalStatus);
      const doc = await stack.waitForStatus(slow.workflowId, status);
      expect(doc.intervention).toMatchObject({ action: status === 'cancelled' ? 'cancel' : 'terminate', reason: `stop ${status}` });
      await statusBadge().filter({ hasText: status }).waitFor({ timeout: 15_000 });
    }
  });

  test('Sources: provider, the URL to register, accepted, duplicate and rejected counts, signature failures by reason, last delivery', async () => {
    // A redelivery counts as a duplicate.
    const again = sent.get('order1')!;
    expect((await stack.post('/webhooks/demo', again.body, hmacHeaders(again.body, 'test-secret'))).json).toMatchObject({ status: 'duplicate' });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Sources' }).click();
    const demo = page.getByRole('region', { name: 'Configured sources' }).locator('tbody tr').filter({ hasText: '/webhooks/demo' });
    await demo.waitFor();
    const cells = await demo.locator('td').allTextContents();
    expect(cells.slice(0, 7)).toEqual(['demo', 'hmac', `${stack.receiver.url}/webhooks/demo`, '7', '1', '1', 'no_matching_signature: 1']);
    expect(cells[7]).not.toBe('—');
    await shot('sources');
  });

  test('Destinations: status, paused, rate limit, recent failures; Pause and Resume ask first and hold durably', async () => {
    // A forward the destination refuses on both attempts: a recent failure, and the destination is failing.
    destination.script('/crm', [{ status: 500 }, { status: 500 }]);
    const refused = await deliver('demo', 'signup.created');
    sent.set('refused', refused);
    await stack.waitForStatus(refused.workflowId, 'failed');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Destinations' }).click();
    const crm = page.getByRole('article', { name: /crm/ });
    await expectText(crm, ['failing', 'Paused', 'no', 'Rate limit', 'none', 'Held events', 'Recent failures', refused.workflowId, 'signup.created']);
    await crm.getByRole('button', { name: 'Pause crm' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pause crm?' });
    await dialog.getByLabel(/Reason/).fill('CRM maintenance');
    await dialog.getByRole('button', { name: 'Confirm pause crm' }).click();
    await page.getByRole('status').filter({ hasText: 'crm paused.' }).waitFor();
    await crm.getByText('CRM maintenance').waitFor();
    expect(await stack.store.controls.findOne({ _id: 'destination-crm' })).toMatchObject({ paused: true, reason: 'CRM maintenance' });
    await shot('destinations');

    await crm.getByRole('button', { name: 'Resume crm' }).click();
    await page.getByRole('dialog', { name: 'Resume crm?' }).getByRole('button', { name: 'Confirm resume crm' }).click();
    await page.getByRole('status').filter({ hasText: 'crm resumed.' }).waitFor();
    expect(await stack.store.controls.findOne({ _id: 'destination-crm' })).toMatchObject({ paused: false });
  });

  test('Overview: events per minute by outcome over the hour and the day, failures, ack latency p50 and p99, as charts', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('img', { name: /^Events per minute, last hour: \d+ succeeded/ }).waitFor();
    await page.getByRole('img', { name: /^Events per minute, last day/ }).waitFor();
    await page.getByRole('img', { name: /^Ack latency, last hour: latest p50 \d/ }).waitFor();
    const stats = await page.locator('.stats').textContent();
    expect(stats).toMatch(/12 events in the last hour/); // 11 deliveries (the retried invoice once) and the replay
    expect(stats).toMatch(/3 failed in the last hour/); // the refused forward, the cancelled and the terminated event
    await page.getByRole('region', { name: 'Latest failed, cancelled or terminated events' }).getByRole('link', { name: sent.get('refused')!.id }).waitFor();
    expect(stats).toMatch(/Ack latency p50 \d+(\.\d)? m?s, p99 \d/);
    await shot('overview');
  });

  test('cursor pagination: Next and Previous page through more than a page of events', async () => {
    await Promise.all(Array.from({ length: 20 }, () => deliver('shop', 'order.created')));
    await page.goto(url('/events'));
    await expectRows(25);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForURL(/cursor=/);
    await expectRows(7); // 32 events: the 11 first, the replay and these 20
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expectRows(25);
  });

  test('keyboard: skip link, tab to an event, Enter opens it, a dialog opens from the keyboard and Escape closes it', async () => {
    await page.goto(url('/events?source=demo&type=order.paid'));
    await expectRows(4); // three deliveries and the replay of one
    await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    const target = sent.get('order3')!;
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if ((await focusedText()) === target.id) break;
    }
    expect(await focusedText()).toBe(target.id);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: target.workflowId, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Replay' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Replay?' });
    await dialog.waitFor();
    // Focus is inside the dialog, on its first control.
    expect(await page.evaluate<boolean>("Boolean(document.activeElement?.closest('dialog[open]'))")).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await stack.store.events.countDocuments({ replayOf: target.workflowId })).toBe(0);
  });

  test('every control on every page has a label or name, and no page overflows sideways at 1280×800 or 390 px', async () => {
    const pages = ['', '/events', `/events/${encodeURIComponent(sent.get('invoice')!.workflowId)}`, '/sources', '/destinations'];
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      for (const p of pages) {
        await page.goto(url(p));
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        expect([viewport.width, p, await unlabeledControls()]).toEqual([viewport.width, p, []]);
        expect([viewport.width, p, await horizontalOverflow()]).toEqual([viewport.width, p, 0]);
        if (viewport === PHONE) await shot(p === '' ? 'overview' : p.split('/')[1] + (p.split('/').length > 2 ? '-detail' : ''));
      }
    }
    await page.setViewportSize(DESKTOP);
  });

  test('signing out ends the session: the next page is the sign-in page', async () => {
    await page.goto(url('/events'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(url('/sign-in'));
    await page.goto(url('/events'));
    await page.waitForURL(url('/sign-in'));
    expect(requestedUrls.filter((u) => u.includes(token))).toEqual([]);
  });

  /** The text of the focused element. (Browser code is passed as text: this file is not typed against the DOM.) */
  const focusedText = () => page.evaluate<string | undefined>('document.activeElement?.textContent');

  /** Controls (links, buttons, fields) with no accessible name: no text, no label, no aria-label. */
  function unlabeledControls(): Promise<string[]> {
    return page.evaluate<string[]>(`
      [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
        .filter((el) => !el.closest('dialog:not([open])'))
        .filter((el) => {
          const aria = el.getAttribute('aria-label') ?? el.getAttribute('aria-labelledby');
          const field = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
          const labelText = el.labels ? [...el.labels].map((l) => (l.textContent ?? '').trim()).join('') : '';
          const text = field ? '' : (el.textContent ?? '').trim();
          return !aria && !labelText && !text;
        })
        .map((el) => el.outerHTML.slice(0, 120))
    `);
  }

  async function expectRows(n: number) {
    await waitUntil(`${n} rows in the events table`, async () => ((await eventRows().count()) === n && !(await eventRows().first().textContent())?.includes('No events') ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 100,
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}; the table has ${await eventRows().count()} rows`);
    });
  }

  async function expectText(locator: ReturnType<Page['locator']>, texts: string[]) {
    await locator.first().waitFor();
    const content = await waitUntil(
      `${texts.join(', ')} to show`,
      async () => {
        const text = (await locator.first().textContent()) ?? '';
        return texts.every((t) => text.includes(t)) ? text : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    ).catch(async () => (await locator.first().textContent()) ?? '');
    for (const t of texts) expect(content).toContain(t);
  }

  async function expectAlert(text: string) {
    await page.getByRole('alert').filter({ hasText: text }).waitFor();
  }
});
