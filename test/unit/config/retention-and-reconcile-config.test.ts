import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../../../src/config/config-error';
import { parseDuration } from '../../../src/config/duration';
import { resolveConfig } from '../../../src/config/load-config';

const demo = { provider: 'hmac', secrets: ['s'], signatureHeader: 'X-Sig', idField: 'id' };
const stripe = { provider: 'stripe', secrets: ['whsec_test'] };
const github = { provider: 'github', secrets: ['gh-secret'] };
const at = '/etc/hookflow/hookflow.config.json';

function configError(json: unknown): string {
  try {
    resolveConfig(json, at);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('retention, namespace retention and reconcile config', () => {
  test('defaults: payloads 30 days, records 90, hourly purge in batches of 500, Temporal keeps closed workflows 7 days', () => {
    const config = resolveConfig({ sources: { demo } }, at);
    expect(config.retention).toEqual({ days: 30, keepRecordDays: 90, every: 3_600_000, batchSize: 500 });
    expect(config.temporal.retentionDays).toBe(7);
    expect(config.sources.get('demo')!.reconcile).toBeUndefined();
  });

  test('a record kept for less time than its payload is refused, naming the field', () => {
    expect(configError({ sources: { demo }, retention: { days: 30, keepRecordDays: 10 } })).toContain('retention.keepRecordDays');
  });

  test('a namespace retention under a day is refused', () => {
    expect(configError({ sources: { demo }, temporal: { retentionDays: 0 } })).toContain('temporal.retentionDays');
  });

  test('durations read as milliseconds; a bad one names the field', () => {
    expect(parseDuration('72h')).toBe(259_200_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(configError({ sources: { demo }, retention: { every: 'hourly' } })).toMatch(/retention\.every: a duration like/);
  });

  test('a stripe source with apiKey from env:VAR and a schedule', () => {
    process.env.TEST_STRIPE_KEY = 'sk_test_123';
    try {
      const config = resolveConfig(
        { sources: { stripe: { ...stripe, apiKey: 'env:TEST_STRIPE_KEY', reconcile: { every: '1h', lookback: '72h' } } } },
        at,
      );
      expect(config.sources.get('stripe')!.reconcile).toEqual({
        provider: 'stripe',
        credential: 'sk_test_123',
        everyMs: 3_600_000,
        lookbackMs: 259_200_000,
        mode: 'feed',
      });
    } finally {
      delete process.env.TEST_STRIPE_KEY;
    }
  });

  test('a github source with a repository hook and an API URL', () => {
    const config = resolveConfig(
      {
        sources: {
          github: { ...github, apiToken: 'ghp_x', apiUrl: 'http://127.0.0.1:9999', hook: { owner: 'o', repo: 'r', id: 7 } },
        },
      },
      at,
    );
    expect(config.sources.get('github')!.reconcile).toMatchObject({
      provider: 'github',
      credential: 'ghp_x',
      apiUrl: 'http://127.0.0.1:9999',
      hook: { owner: 'o', repo: 'r', id: 7 },
      lookbackMs: 259_200_000,
    });
  });

  describe("a github App's hook, authenticated as the App", () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

    test('takes appId and privateKey (env:VAR, with \\n escapes) and may be scheduled without apiToken', () => {
      process.env.TEST_APP_PEM = pem.replace(/\n/g, '\\n');
      try {
        const config = resolveConfig(
          { sources: { github: { ...github, hook: { appId: 42, privateKey: 'env:TEST_APP_PEM' }, reconcile: { every: '1h', mode: 'redeliver' } } } },
          at,
        );
        expect(config.sources.get('github')!.reconcile).toEqual({
          provider: 'github',
          hook: { appId: 42, privateKey: pem },
          everyMs: 3_600_000,
          lookbackMs: 259_200_000,
          mode: 'redeliver',
        });
      } finally {
        delete process.env.TEST_APP_PEM;
      }
    });

    test.each([
      [{ appId: 42, privateKey: 'not a key' }, 'sources.github.hook.privateKey: not the App\'s RSA private key in PEM form'],
      [{ appId: 0, privateKey: 'x' }, 'sources.github.hook'],
    ])('refuses the hook %j, naming the field', (hook, message) => {
      expect(configError({ sources: { github: { ...github, hook } } })).toContain(message);
    });

    test('refuses apiToken beside it, naming the field', () => {
      expect(configError({ sources: { github: { ...github, apiToken: 't', hook: { appId: 42, privateKey: pem } } } })).toContain(
        'sources.github.apiToken: the App\'s hook with appId and privateKey authenticates as the App',
      );
    });
  });

  test.each([
    [{ sources: { demo: { ...demo, apiKey: 'k' } } }, 'sources.demo.apiKey: only stripe and github sources can be reconciled'],
    [{ sources: { stripe: { ...stripe, apiToken: 't' } } }, 'sources.stripe.apiToken'],
    [{ sources: { github: { ...github, apiKey: 'k' } } }, 'sources.github.apiKey'],
    [{ sources: { stripe: { ...stripe, reconcile: { every: '1h' } } } }, 'sources.stripe.apiKey: reconcile.every needs apiKey'],
    [{ sources: { github: { ...github, apiToken: 't', reconcile: { every: '1h' } } } }, 'sources.github.hook'],
    [{ sources: { stripe: { ...stripe, apiKey: 'env:NOT_SET_ANYWHERE_X' } } }, 'sources.stripe.apiKey: environment variable'],
    [{ sources: { stripe: { ...stripe, apiKey: 'k', reconcile: { mode: 'redeliver' } } } }, 'sources.stripe.reconcile.mode: the stripe API cannot redeliver'],
  ])('refuses %j', (json, message) => {
    expect(configError(json)).toContain(message);
  });

  test('docker-compose sets the namespace retention on creation and on an existing namespace', () => {
    const compose = parse(readFileSync(path.resolve(__dirname, '../../../docker-compose.yml'), 'utf8')) as {
      services: Record<string, { environment?: Record<string, string>; command?: string[] }>;
    };
    expect(compose.services.temporal!.environment!.DEFAULT_NAMESPACE_RETENTION).toBe('${HOOKFLOW_TEMPORAL_RETENTION:-168h}');
    expect(compose.services['temporal-admin-tools']!.command!.join('\n')).toContain(
      'temporal operator namespace update --address temporal:7233 --namespace default --retention',
    );
  });
});
