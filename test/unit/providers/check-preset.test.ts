import { presetProblems } from '../../../src/providers/presets/check-preset';
import { PRESETS } from '../../../src/providers/presets/catalog';
import type { Preset } from '../../../src/providers/presets/preset';
import { presetProvider } from '../../../src/providers/presets/preset-provider';

const base: Preset = {
  name: 'acme',
  spec: 'test',
  scheme: { kind: 'hmac', algorithm: 'sha256', signature: { header: 'x-acme-signature', prefix: 'sha256=', encoding: 'hex' }, signed: ['body'] },
  id: ['header:x-acme-delivery', 'hash:body'],
  type: 'body:type',
  sample: () => ({ body: Buffer.from('{}'), contentType: 'application/json' }),
};

describe('presetProblems(preset): presets are validated when the registry loads', () => {
  test('every catalog preset is valid', () => {
    for (const preset of PRESETS) expect(presetProblems(preset)).toEqual([]);
  });

  test.each([
    ['an unsigned timestamp (freshness would mean nothing)', { scheme: { ...base.scheme, timestamp: { from: 'header:x-ts', unit: 's' } } as Preset['scheme'] }, 'the timestamp is not part of the signed content'],
    ['{timestamp} signed without a timestamp spec', { scheme: { ...base.scheme, signed: ['timestamp', 'body'] } as Preset['scheme'] }, 'signs {timestamp} but has no timestamp spec'],
    ['a signed part of no known kind', { scheme: { ...base.scheme, signed: ['bodyy'] } as unknown as Preset['scheme'] }, '"bodyy" is not body'],
    ['an ID selector of no known kind', { id: 'headr:x' }, 'id: "headr:x" is not header:NAME'],
    ['a template with unbalanced braces', { type: '{body:type}.{body:action' }, 'type: '],
    ['GET without a GET handshake', { methods: ['GET', 'POST'] as const }, 'GET is allowed but no GET handshake answers it'],
    ['an upper-case signature header', { scheme: { ...base.scheme, signature: { header: 'X-Acme', encoding: 'hex' } } as Preset['scheme'] }, 'must be a lower-case header name'],
    ['a kv timestamp without a kv header', { scheme: { ...base.scheme, signed: ['timestamp', 'body'], timestamp: { from: 'kv', unit: 's' } } as Preset['scheme'] }, 'timestamp from kv needs a kv signature header'],
  ])('refuses %s', (_name, change, problem) => {
    const preset = { ...base, ...change } as Preset;
    expect(presetProblems(preset).join('\n')).toContain(problem);
    expect(() => presetProvider(preset)).toThrow(/^preset acme: /);
  });

  test('a GET handshake needs GET in methods', () => {
    const preset: Preset = {
      ...base,
      handshakes: [{ kind: 'challenge', method: 'GET', when: [{ select: 'query:challenge' }], reply: { status: 200, echo: 'query:challenge' } }],
    };
    expect(presetProblems(preset)).toContain('preset acme: a GET handshake needs GET in methods');
    expect(presetProblems({ ...preset, methods: ['GET', 'POST'] })).toEqual([]);
  });
});
