import { Writable } from 'node:stream';
import pino from 'pino';
import { redactPaths } from '../../../src/logging/logger';
import { providers } from '../../../src/providers/registry';

function logLine(paths: string[], fields: Record<string, unknown>): Record<string, any> {
  let out = '';
  const stream = new Writable({ write: (chunk, _encoding, done) => ((out += String(chunk)), done()) });
  pino({ redact: { paths, censor: '[redacted]' } }, stream).info(fields, 'line');
  return JSON.parse(out);
}

describe('redactPaths(secretHeaders)', () => {
  test("every provider's signature headers are redacted from a logged headers object, at the top or one level down", () => {
    const headers = Object.fromEntries(
      Object.values(providers)
        .flatMap((provider) => provider.secretHeaders({ signatureHeader: 'x-signature' }))
        .map((name) => [name, 'sig']),
    );
    const line = logLine(redactPaths(['X-Signature']), { headers, req: { headers } });
    for (const name of Object.keys(headers)) {
      expect(line.headers[name]).toBe('[redacted]');
      expect(line.req.headers[name]).toBe('[redacted]');
    }
  });

  test('credentials and secrets are redacted; other headers are kept', () => {
    const line = logLine(redactPaths(), {
      headers: { authorization: 'Bearer t', cookie: 'c', 'content-type': 'application/json' },
      source: { secrets: ['s'] },
    });
    expect(line.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', 'content-type': 'application/json' });
    expect(line.source.secrets).toBe('[redacted]');
  });
});
