import { Writable } from 'node:stream';
import { createLogger, secretHeaderNames } from '../../../src/logging/logger';
import { CENSOR, secretRedactor } from '../../../src/logging/redact-secrets';
import { providers } from '../../../src/providers/registry';

/** Each line createLogger writes, parsed. */
function capture(secretHeaders: string[] = []): { logger: ReturnType<typeof createLogger>; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { logger: createLogger('test', 'info', secretHeaders, stream), lines };
}

describe('createLogger: no secret reaches a log line', () => {
  test("every provider's signature headers are censored in a logged headers object, at the top or one level down, in any case", () => {
    const names = Object.values(providers).flatMap((provider) => provider.secretHeaders({ signatureHeader: 'x-signature' }));
    expect(names.length).toBeGreaterThan(20);
    const headers = Object.fromEntries(names.map((name, i) => [i % 2 ? name.toUpperCase() : name, 'sig']));
    const { logger, lines } = capture(['X-Signature']);
    logger.info({ headers, req: { headers } }, 'line');
    for (const name of Object.keys(headers)) {
      expect(lines[0].headers[name]).toBe(CENSOR);
      expect(lines[0].req.headers[name]).toBe(CENSOR);
    }
  });

  test('credentials and secrets are censored; other fields and headers are kept; the logged objects are not changed', () => {
    const { logger, lines } = capture();
    const fields = {
      headers: { authorization: 'Bearer t', cookie: 'c', 'content-type': 'application/json' },
      source: { name: 'stripe', secrets: ['s'] },
      secret: 'whsec',
      workflowId: 'stripe:evt_1',
    };
    const before = structuredClone(fields);
    logger.info(fields, 'line');
    expect(lines[0]).toMatchObject({
      headers: { authorization: CENSOR, cookie: CENSOR, 'content-type': 'application/json' },
      source: { name: 'stripe', secrets: CENSOR },
      secret: CENSOR,
      workflowId: 'stripe:evt_1',
      msg: 'line',
    });
    expect(fields).toEqual(before);
  });

  test("an error carrying the request's headers is logged with them censored, its message and stack kept", () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('forward failed'), { headers: { 'x-hub-signature-256': 'sha256=abc', accept: '*/*' } });
    logger.warn({ err: error }, 'failed');
    expect(lines[0].err).toMatchObject({ type: 'Error', message: 'forward failed', headers: { 'x-hub-signature-256': CENSOR, accept: '*/*' } });
    expect(lines[0].err.stack).toContain('forward failed');
    expect(error.headers['x-hub-signature-256']).toBe('sha256=abc');
  });
});

describe('secretRedactor', () => {
  test('a line without secrets is returned as it is, not copied', () => {
    const redact = secretRedactor(secretHeaderNames());
    const fields = { workflowId: 'w', source: 'stripe', plan: { actions: 1 }, headers: { accept: '*/*' } };
    expect(redact(fields)).toBe(fields);
  });

  test('secrets deeper than one level down are not looked for (the documented reach)', () => {
    const redact = secretRedactor(['x-sig']);
    expect(redact({ a: { b: { secret: 's' } } })).toEqual({ a: { b: { secret: 's' } } });
  });
});
