import { createHash, createHmac } from 'node:crypto';
import { verifySlackRequest } from '@slack/bolt';
import fc from 'fast-check';
import { SignatureError } from '../../../src/errors/http-errors';
import { FORM_TYPE, JSON_TYPE, parsePayload } from '../../../src/providers/payload';
import { slackOptions, slackProvider } from '../../../src/providers/slack';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const now = new Date('2026-11-23T10:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const eventBody = Buffer.from(
  JSON.stringify({
    token: 'z26uFbvR1xHJEdHE1OQiO6t8',
    team_id: 'T061EG9RZ',
    api_app_id: 'A0FFV41KK',
    event: { type: 'app_mention', user: 'U061F7AUR', text: '<@U0LAN0Z89> hi', ts: '1515449522.000016' },
    type: 'event_callback',
    event_id: 'Ev9UQ52YNA',
    event_time: 1515449522,
  }),
);

/** Slack's documented slash-command example (docs: verifying requests from Slack). */
const docs = {
  timestamp: '1531420618',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  body: Buffer.from(
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  ),
};

function settings(secrets = [secret], toleranceSeconds = 300) {
  return { secrets, toleranceSeconds, options: slackOptions.parse({}) };
}

function request(headers: Record<string, string>, raw: Buffer = eventBody, contentType = JSON_TYPE): WebhookRequest {
  return { rawBody: raw, headers, url: 'http://localhost/webhooks/slack', contentType };
}

const v0 = (key: string, ts: number | string, raw: Buffer = eventBody) =>
  `v0=${createHmac('sha256', key).update(`v0:${ts}:${raw}`).digest('hex')}`;

function signedAt(ts: number, key = secret, raw: Buffer = eventBody, contentType = JSON_TYPE): WebhookRequest {
  return request({ 'x-slack-request-timestamp': String(ts), 'x-slack-signature': v0(key, ts, raw) }, raw, contentType);
}

describe('slack provider', () => {
  test("verify() accepts Slack's documented slash-command vector", () => {
    const req = request(
      { 'x-slack-request-timestamp': docs.timestamp, 'x-slack-signature': docs.signature },
      docs.body,
      FORM_TYPE,
    );
    expect(slackProvider.verify(req, settings(), new Date(Number(docs.timestamp) * 1000))).toEqual({
      secretIndex: 0,
      signedAt: new Date(Number(docs.timestamp) * 1000),
    });
  });

  test.each([
    ['a JSON event', eventBody, JSON_TYPE],
    ['a slash command form', docs.body, FORM_TYPE],
  ])('sign() signs %s so that @slack/bolt verifySlackRequest accepts it', (_name, raw, contentType) => {
    const signed = slackProvider.sign(
      { body: raw, contentType, url: 'http://h/webhooks/slack', secret, now },
      slackOptions.parse({}),
    );
    expect(Object.keys(signed.headers).sort()).toEqual([
      'content-type',
      'x-slack-request-timestamp',
      'x-slack-signature',
    ]);
    expect(() =>
      verifySlackRequest({
        signingSecret: secret,
        body: signed.body.toString(),
        headers: {
          'x-slack-signature': signed.headers['x-slack-signature'] as string,
          'x-slack-request-timestamp': Number(signed.headers['x-slack-request-timestamp']),
        },
        nowMilliseconds: now.getTime(),
      }),
    ).not.toThrow();
    const req = request(signed.headers, signed.body, contentType);
    expect(slackProvider.verify(req, settings(), now).secretIndex).toBe(0);
  });

  test('verify() reports the index of the rotated secret that matched', () => {
    expect(slackProvider.verify(signedAt(nowSeconds, 'new'), settings(['old', 'new']), now).secretIndex).toBe(1);
  });

  test('verify() accepts any one valid v0 among several', () => {
    const headers = {
      'x-slack-request-timestamp': String(nowSeconds),
      'x-slack-signature': `${v0('other', nowSeconds)}, ${v0(secret, nowSeconds)}`,
    };
    expect(slackProvider.verify(request(headers), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects a tampered body, a wrong secret and a changed timestamp', () => {
    const good = signedAt(nowSeconds);
    const tampered = { ...good, rawBody: Buffer.from(`${eventBody} `) };
    expect(reason(() => slackProvider.verify(tampered, settings(), now))).toBe('no_matching_signature');
    const wrong = signedAt(nowSeconds, 'wrong');
    expect(reason(() => slackProvider.verify(wrong, settings(), now))).toBe('no_matching_signature');
    const moved = { ...good, headers: { ...good.headers, 'x-slack-request-timestamp': String(nowSeconds - 1) } };
    expect(reason(() => slackProvider.verify(moved, settings(), now))).toBe('no_matching_signature');
  });

  test('verify() accepts timestamps exactly at the tolerance, both directions', () => {
    expect(slackProvider.verify(signedAt(nowSeconds - 300), settings(), now).signedAt).toEqual(
      new Date((nowSeconds - 300) * 1000),
    );
    expect(slackProvider.verify(signedAt(nowSeconds + 300), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects timestamps one second past the tolerance, both directions', () => {
    expect(reason(() => slackProvider.verify(signedAt(nowSeconds - 301), settings(), now))).toBe('timestamp_too_old');
    expect(reason(() => slackProvider.verify(signedAt(nowSeconds + 301), settings(), now))).toBe('timestamp_in_future');
  });

  const digest = 'a'.repeat(64);
  test.each([
    ['no signature', undefined, String(nowSeconds), 'missing_signature'],
    ['an unknown version', `v1=${digest}`, String(nowSeconds), 'malformed_signature'],
    ['non-hex', 'v0=xyz', String(nowSeconds), 'malformed_signature'],
    ['a short digest', 'v0=abcd', String(nowSeconds), 'malformed_signature'],
    ['no timestamp', `v0=${digest}`, undefined, 'missing_timestamp'],
    ['a non-numeric timestamp', `v0=${digest}`, '1.5e9', 'malformed_timestamp'],
  ])('verify() rejects %s', (_name, signature, timestamp, expected) => {
    const headers: Record<string, string> = {};
    if (signature !== undefined) headers['x-slack-signature'] = signature;
    if (timestamp !== undefined) headers['x-slack-request-timestamp'] = timestamp;
    expect(reason(() => slackProvider.verify(request(headers), settings(), now))).toBe(expected);
  });

  describe('handshake()', () => {
    test('answers url_verification with exactly 200 {challenge}', () => {
      const challenge = '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P';
      const payload = { token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge, type: 'url_verification' };
      const raw = Buffer.from(JSON.stringify(payload));
      const reply = slackProvider.handshake?.(request({}, raw), payload, settings());
      expect(reply).toEqual({ status: 200, body: { challenge } });
    });

    test('ignores events, forms and a url_verification without a string challenge', () => {
      expect(slackProvider.handshake?.(request({}), JSON.parse(eventBody.toString()), settings())).toBeUndefined();
      const form = { type: 'url_verification', challenge: 'x' };
      expect(slackProvider.handshake?.(request({}, Buffer.from(''), FORM_TYPE), form, settings())).toBeUndefined();
      const numeric = { type: 'url_verification', challenge: 5 };
      expect(slackProvider.handshake?.(request({}), numeric, settings())).toBeUndefined();
    });
  });

  describe('identify()', () => {
    const identify = (req: WebhookRequest) => slackProvider.identify(req, parsePayload(req), settings());

    test('reads event_id, event.type and event_time from an Events API callback', () => {
      expect(identify(signedAt(nowSeconds))).toEqual({
        id: 'Ev9UQ52YNA',
        type: 'app_mention',
        occurredAt: new Date(1515449522 * 1000),
      });
    });

    test('throws a 400 for an event_callback without event_id', () => {
      const raw = Buffer.from(JSON.stringify({ type: 'event_callback', event: { type: 'message' } }));
      expect(() => identify(signedAt(nowSeconds, secret, raw))).toThrow(expect.objectContaining({ status: 400 }));
    });

    test('derives a slash command ID from the signed content and types it slash_command:<command>', () => {
      const req = request({ 'x-slack-request-timestamp': docs.timestamp }, docs.body, FORM_TYPE);
      const expectedId = createHash('sha256').update(`v0:${docs.timestamp}:${docs.body}`).digest('hex');
      expect(identify(req)).toEqual({
        id: expectedId,
        type: 'slash_command:/webhook-collect',
        occurredAt: new Date(Number(docs.timestamp) * 1000),
      });
    });

    test('types an interaction interactive:<payload.type> and keys it on trigger_id', () => {
      const interaction = { type: 'block_actions', trigger_id: '12466734323.1395872398', actions: [] };
      const raw = Buffer.from(new URLSearchParams({ payload: JSON.stringify(interaction) }).toString());
      expect(identify(signedAt(nowSeconds, secret, raw, FORM_TYPE))).toEqual({
        id: '12466734323.1395872398',
        type: 'interactive:block_actions',
        occurredAt: now,
      });
    });

    test('derives the ID of an interaction without trigger_id (view_closed) from the signed content', () => {
      const raw = Buffer.from(new URLSearchParams({ payload: JSON.stringify({ type: 'view_closed' }) }).toString());
      const id = createHash('sha256').update(`v0:${nowSeconds}:${raw}`).digest('hex');
      const req = signedAt(nowSeconds, secret, raw, FORM_TYPE);
      expect(identify(req)).toMatchObject({ id, type: 'interactive:view_closed' });
    });

    test('throws a 400 when the interaction payload is not JSON', () => {
      const raw = Buffer.from('payload=%7Bnot-json');
      expect(() => identify(signedAt(nowSeconds, secret, raw, FORM_TYPE))).toThrow(
        expect.objectContaining({ status: 400, message: 'form field payload is not valid JSON' }),
      );
    });

    test('names JSON requests without event_id by their outer type (app_rate_limited)', () => {
      const limited = { token: 't', type: 'app_rate_limited', team_id: 'T1', minute_rate_limited: 1518467820 };
      expect(identify(signedAt(nowSeconds, secret, Buffer.from(JSON.stringify(limited))))).toMatchObject({
        type: 'app_rate_limited',
        id: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });
  });

  describe('sample()', () => {
    const roundTrip = (eventType: string | undefined) => {
      const { body, contentType } = slackProvider.sample(eventType, now);
      const input = { body, contentType, url: 'http://h/', secret, now, eventType };
      const signed = slackProvider.sign(input, slackOptions.parse({}));
      const req = request(signed.headers, signed.body, contentType);
      expect(slackProvider.verify(req, settings(), now).secretIndex).toBe(0);
      const payload = parsePayload(req);
      return { contentType, payload, identity: slackProvider.identify(req, payload, settings()) };
    };

    test('is an event_callback carrying an app_mention by default', () => {
      const { contentType, payload, identity } = roundTrip(undefined);
      expect(contentType).toBe(JSON_TYPE);
      expect(payload).toMatchObject({ type: 'event_callback', event: { type: 'app_mention' }, event_time: nowSeconds });
      expect(identity).toMatchObject({ type: 'app_mention', id: expect.stringMatching(/^Ev[0-9A-F]+$/) });
    });

    test.each([
      ['reaction_added', 'reaction_added'],
      ['/deploy', 'slash_command:/deploy'],
      ['slash_command:/deploy', 'slash_command:/deploy'],
      ['interactive:view_submission', 'interactive:view_submission'],
    ])('honours eventType %s', (eventType, type) => {
      expect(roundTrip(eventType).identity.type).toBe(type);
    });

    test('builds a url_verification that handshake() answers', () => {
      const { payload } = roundTrip('url_verification');
      const reply = slackProvider.handshake?.(request({}), payload, settings());
      expect(reply).toEqual({ status: 200, body: { challenge: (payload as { challenge: string }).challenge } });
    });
  });

  test('secretHeaders() lists x-slack-signature; options are strict', () => {
    expect(slackProvider.secretHeaders(slackOptions.parse({}))).toEqual(['x-slack-signature']);
    expect(slackOptions.safeParse({ signingSecret: 'x' }).success).toBe(false);
    expect(slackProvider.defaultToleranceSeconds).toBe(300);
  });

  describe('property: header parsing', () => {
    const signature = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[0-9a-f]{0,70}$/).map((h) => `v0=${h}`),
      fc.array(fc.stringMatching(/^v[01]=[0-9a-f]{64}$/), { maxLength: 3 }).map((s) => s.join(', ')),
    );
    const timestamp = fc.oneof(fc.string(), fc.integer({ min: nowSeconds - 400, max: nowSeconds + 400 }).map(String));
    const headers = fc.record(
      { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      { requiredKeys: [] },
    );
    const contentType = fc.constantFrom(JSON_TYPE, FORM_TYPE);

    test('verify() only ever throws SignatureError and never accepts a signature made without the secret', () => {
      fc.assert(
        fc.property(headers, fc.uint8Array({ maxLength: 64 }), contentType, (h, raw, type) => {
          const req = request(h as Record<string, string>, Buffer.from(raw), type);
          expect(() => slackProvider.verify(req, settings(), now)).toThrow(SignatureError);
        }),
        { numRuns: 500 },
      );
    });

    test('verify() accepts any body signed by sign() and refuses it under another secret', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), fc.string({ minLength: 1 }), (raw, other) => {
          fc.pre(other !== secret);
          const out = slackProvider.sign(
            { body: Buffer.from(raw), contentType: FORM_TYPE, url: 'http://h/', secret, now },
            slackOptions.parse({}),
          );
          expect(slackProvider.verify(request(out.headers, out.body), settings(), now).secretIndex).toBe(0);
          expect(reason(() => slackProvider.verify(request(out.headers, out.body), settings([other]), now))).toBe(
            'no_matching_signature',
          );
        }),
        { numRuns: 200 },
      );
    });
  });
});
