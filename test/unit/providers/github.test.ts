import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { SignatureError } from '../../../src/errors/http-errors';
import { githubOptions, githubProvider } from '../../../src/providers/github';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const now = new Date('2026-11-23T10:00:00Z');
const secret = "It's a Secret to Everybody";
const body = Buffer.from('{"zen":"Keep it logically awesome.","hook_id":1}');

type OctokitCall = ['sign', string, string] | ['verify', string, string, string];

/**
 * @octokit/webhooks-methods is ESM-only and exports no `require` condition, so jest's CommonJS
 * resolver cannot load it; run it in a real Node process instead.
 */
function octokit(calls: OctokitCall[]): unknown[] {
  const script = `
    import * as methods from '@octokit/webhooks-methods';
    const out = [];
    for (const [fn, ...args] of JSON.parse(process.argv[1])) out.push(await methods[fn](...args));
    process.stdout.write(JSON.stringify(out));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(calls)], {
    cwd: resolve(__dirname, '../../..'),
  });
  return JSON.parse(output.toString()) as unknown[];
}

function settings(secrets = [secret], options: Record<string, unknown> = {}) {
  return { secrets, toleranceSeconds: 300, options: githubOptions.parse(options) };
}

function request(headers: Record<string, string>, raw: Buffer = body): WebhookRequest {
  return { rawBody: raw, headers, url: 'http://localhost/webhooks/github', contentType: 'application/json' };
}

const sha256 = (key: string, payload: Buffer | string = body) =>
  `sha256=${createHmac('sha256', key).update(payload).digest('hex')}`;
const sha1 = (key: string, payload: Buffer | string = body) =>
  `sha1=${createHmac('sha1', key).update(payload).digest('hex')}`;

describe('github provider', () => {
  const signed = githubProvider.sign(
    { body, contentType: 'application/json', url: 'http://h/webhooks/github', secret, now, eventType: 'ping' },
    githubOptions.parse({}),
  );
  let fromSdk: string;
  let sdkAcceptsOurs: boolean;

  beforeAll(() => {
    [fromSdk, sdkAcceptsOurs] = octokit([
      ['sign', secret, body.toString()],
      ['verify', secret, body.toString(), signed.headers['x-hub-signature-256'] as string],
    ]) as [string, boolean];
  });

  test('verify() accepts a signature from @octokit/webhooks-methods sign()', () => {
    const req = request({ 'x-hub-signature-256': fromSdk });
    expect(githubProvider.verify(req, settings(), now)).toEqual({ secretIndex: 0 });
  });

  test('sign() produces a signature that @octokit/webhooks-methods verify() accepts', () => {
    expect(sdkAcceptsOurs).toBe(true);
    expect(Object.keys(signed.headers).sort()).toEqual([
      'content-type',
      'x-github-delivery',
      'x-github-event',
      'x-hub-signature',
      'x-hub-signature-256',
    ]);
    expect(signed.headers['x-github-event']).toBe('ping');
    expect(signed.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(githubProvider.verify(request(signed.headers, signed.body), settings(), now).secretIndex).toBe(0);
  });

  test.each([
    [secret, 'Hello, World!', 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'],
    ['mysecret', '{"foo":"bar"}', 'sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3'],
  ])('verify() accepts the PROVIDERS.md vector for secret %j', (key, payload, signature) => {
    const req = request({ 'x-hub-signature-256': signature }, Buffer.from(payload));
    expect(githubProvider.verify(req, settings([key]), now).secretIndex).toBe(0);
  });

  test('verify() reports the index of the rotated secret that matched', () => {
    const req = request({ 'x-hub-signature-256': sha256('new') });
    expect(githubProvider.verify(req, settings(['old', 'new']), now)).toEqual({ secretIndex: 1 });
  });

  test('verify() accepts any one valid signature of a joined repeated header', () => {
    const header = `${sha256('other')}, ${sha256(secret)}`;
    expect(githubProvider.verify(request({ 'x-hub-signature-256': header }), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects a tampered body and a wrong secret with no_matching_signature', () => {
    const good = { 'x-hub-signature-256': sha256(secret) };
    expect(reason(() => githubProvider.verify(request(good, Buffer.from(`${body} `)), settings(), now))).toBe(
      'no_matching_signature',
    );
    const wrong = request({ 'x-hub-signature-256': sha256('wrong') });
    expect(reason(() => githubProvider.verify(wrong, settings(), now))).toBe('no_matching_signature');
  });

  test.each([
    ['no header', {}, 'missing_signature'],
    ['only the SHA-1 header while allowSha1 is off', { 'x-hub-signature': sha1(secret) }, 'missing_signature'],
    ['a digest without its prefix', { 'x-hub-signature-256': sha256(secret).slice(7) }, 'malformed_signature'],
    ['a SHA-1 digest in the SHA-256 header', { 'x-hub-signature-256': sha1(secret) }, 'malformed_signature'],
    ['non-hex', { 'x-hub-signature-256': 'sha256=zz' }, 'malformed_signature'],
    ['a truncated digest', { 'x-hub-signature-256': sha256(secret).slice(0, 40) }, 'malformed_signature'],
  ])('verify() rejects %s', (_name, headers, expected) => {
    const req = request(headers as Record<string, string>);
    expect(reason(() => githubProvider.verify(req, settings(), now))).toBe(expected);
  });

  describe('with allowSha1', () => {
    const s = (secrets = [secret]) => settings(secrets, { allowSha1: true });

    test('verify() accepts the legacy X-Hub-Signature when the SHA-256 header is absent', () => {
      expect(githubProvider.verify(request({ 'x-hub-signature': sha1(secret) }), s(), now).secretIndex).toBe(0);
      expect(githubProvider.verify(request({ 'x-hub-signature': sha1('b') }), s(['a', 'b']), now).secretIndex).toBe(1);
      expect(reason(() => githubProvider.verify(request({ 'x-hub-signature': sha1('x') }), s(), now))).toBe(
        'no_matching_signature',
      );
    });

    test('verify() never falls back to SHA-1 when the SHA-256 header is present', () => {
      const headers = { 'x-hub-signature-256': sha256('wrong'), 'x-hub-signature': sha1(secret) };
      expect(reason(() => githubProvider.verify(request(headers), s(), now))).toBe('no_matching_signature');
    });
  });

  test('identify() reads the delivery ID and event type from headers', () => {
    const headers = { 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'x-github-event': 'issues' };
    expect(githubProvider.identify(request(headers), { action: 'opened' }, settings())).toEqual({
      id: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      type: 'issues',
    });
  });

  test('identify() throws a 400 when X-GitHub-Delivery is missing', () => {
    expect(() => githubProvider.identify(request({ 'x-github-event': 'push' }), {}, settings())).toThrow(
      expect.objectContaining({ status: 400, message: 'missing event ID header x-github-delivery' }),
    );
  });

  test('sample() is a push by default and honours eventType', () => {
    const push = JSON.parse(githubProvider.sample(undefined, now).body.toString());
    expect(push).toMatchObject({ ref: 'refs/heads/main', repository: { full_name: 'octocat/Hello-World' } });
    expect(push.head_commit.id).toBe(push.after);
    expect(JSON.parse(githubProvider.sample('ping', now).body.toString())).toHaveProperty('zen');
    expect(JSON.parse(githubProvider.sample('issues', now).body.toString())).toMatchObject({ action: 'opened' });
    const signedPush = githubProvider.sign(
      { body: Buffer.from('{}'), contentType: 'application/json', url: 'http://h/', secret, now },
      githubOptions.parse({}),
    );
    expect(signedPush.headers['x-github-event']).toBe('push');
  });

  test('secretHeaders() lists both signature headers; options default allowSha1 to false and are strict', () => {
    expect(githubProvider.secretHeaders(githubOptions.parse({}))).toEqual(['x-hub-signature-256', 'x-hub-signature']);
    expect(githubOptions.parse({})).toEqual({ allowSha1: false });
    expect(githubOptions.safeParse({ allowSHA1: true }).success).toBe(false);
    expect(githubProvider.defaultToleranceSeconds).toBeUndefined();
  });

  describe('property: header parsing', () => {
    const headerValue = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[0-9a-f]{0,80}$/).map((h) => `sha256=${h}`),
      fc.stringMatching(/^[0-9a-f]{0,50}$/).map((h) => `sha1=${h}`),
    );
    const headers = fc.record(
      { 'x-hub-signature-256': headerValue, 'x-hub-signature': headerValue },
      { requiredKeys: [] },
    );

    test('verify() only ever throws SignatureError and never accepts a signature made without the secret', () => {
      fc.assert(
        fc.property(headers, fc.boolean(), fc.uint8Array({ maxLength: 64 }), (h, allowSha1, raw) => {
          const s = settings([secret], { allowSha1 });
          expect(() => githubProvider.verify(request(h as Record<string, string>, Buffer.from(raw)), s, now)).toThrow(
            SignatureError,
          );
        }),
        { numRuns: 500 },
      );
    });

    test('verify() accepts any body signed by sign() and refuses it under another secret', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.string({ minLength: 1 }), (raw, other) => {
          fc.pre(other !== secret);
          const out = githubProvider.sign(
            { body: Buffer.from(raw), contentType: 'application/json', url: 'http://h/', secret, now },
            githubOptions.parse({}),
          );
          expect(githubProvider.verify(request(out.headers, out.body), settings(), now).secretIndex).toBe(0);
          expect(reason(() => githubProvider.verify(request(out.headers, out.body), settings([other]), now))).toBe(
            'no_matching_signature',
          );
        }),
        { numRuns: 200 },
      );
    });
  });
});
