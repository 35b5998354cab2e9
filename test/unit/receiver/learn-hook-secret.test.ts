import pino from 'pino';
import { resolveConfig } from '../../../src/config/load-config';
import { ForbiddenError, ServiceUnavailableError } from '../../../src/errors/http-errors';
import type { WebhookRequest } from '../../../src/providers/types';
import { learnHookSecret } from '../../../src/receiver/learn-hook-secret';
import type { HookSecrets } from '../../../src/store/hook-secrets';

const logger = pino({ level: 'silent' });
const now = new Date();
const asana = resolveConfig({ sources: { a: { provider: 'asana', secrets: ['configured'] } } }, '/x.json').sources.get('a')!;
const github = resolveConfig({ sources: { g: { provider: 'github', secrets: ['s'] } } }, '/x.json').sources.get('g')!;
const req = (headers: Record<string, string>): WebhookRequest => ({ rawBody: Buffer.alloc(0), headers, url: 'u', contentType: '' });

function memory(initial?: string): HookSecrets & { stored?: string } {
  const store: HookSecrets & { stored?: string } = {
    stored: initial,
    async get() {
      return store.stored;
    },
    async claim(_source, secret) {
      store.stored ??= secret;
      return store.stored === secret;
    },
  };
  return store;
}

describe('learnHookSecret(source, req, store, ...)', () => {
  test('the first X-Hook-Secret is stored and echoed in the same header', async () => {
    const store = memory();
    expect(await learnHookSecret(asana, req({ 'x-hook-secret': 'h1' }), store, now, 5, logger)).toEqual({ reply: { status: 200, headers: { 'x-hook-secret': 'h1' } } });
    expect(store.stored).toBe('h1');
    // The same secret again (Asana retrying its handshake) is answered again.
    expect(await learnHookSecret(asana, req({ 'x-hook-secret': 'h1' }), store, now, 5, logger)).toHaveProperty('reply');
  });

  test('another secret when one is stored is refused with 403, and the stored one kept', async () => {
    const store = memory('h1');
    await expect(learnHookSecret(asana, req({ 'x-hook-secret': 'evil' }), store, now, 5, logger)).rejects.toBeInstanceOf(ForbiddenError);
    expect(store.stored).toBe('h1');
  });

  test('an event is verified with the configured secrets plus the stored one; other providers are untouched', async () => {
    const out = await learnHookSecret(asana, req({ 'x-hook-signature': 'ab' }), memory('h1'), now, 5, logger);
    expect('source' in out && out.source.settings.secrets).toEqual(['configured', 'h1']);
    expect(await learnHookSecret(github, req({ 'x-hook-secret': 'x' }), memory(), now, 5, logger)).toEqual({ source: github });
  });

  test('a store that fails is a 503 with Retry-After, never a silent pass', async () => {
    const broken: HookSecrets = { get: async () => Promise.reject(new Error('down')), claim: async () => Promise.reject(new Error('down')) };
    await expect(learnHookSecret(asana, req({}), broken, now, 7, logger)).rejects.toEqual(expect.any(ServiceUnavailableError));
    await expect(learnHookSecret(asana, req({ 'x-hook-secret': 'h' }), broken, now, 7, logger)).rejects.toMatchObject({ status: 503, headers: { 'Retry-After': '7' } });
  });
});
