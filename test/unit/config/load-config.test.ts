import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/config/config-error';
import { loadConfig, resolveConfig } from '../../../src/config/load-config';
import { resolvePlan } from '../../../src/routing/resolve-plan';

const demo = { provider: 'hmac', secrets: ['s'], signatureHeader: 'X-Sig', idField: 'id' };
const whsec = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

function configError(json: unknown): string {
  try {
    resolveConfig(json, '/etc/hookflow/hookflow.config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  test('the shipped example config is valid', () => {
    const config = loadConfig(path.resolve(__dirname, '../../../hookflow.config.json'));
    expect([...config.sources.keys()]).toContain('demo');
    expect(config.handlers).toBe(path.resolve(__dirname, '../../../handlers'));
  });

  test('temporal.sqliteSynchronous: normal by default, full on request, anything else named', () => {
    expect(resolveConfig({ sources: { demo } }, '/x.json').temporal.sqliteSynchronous).toBe('normal');
    expect(resolveConfig({ sources: { demo }, temporal: { sqliteSynchronous: 'full' } }, '/x.json').temporal.sqliteSynchronous).toBe('full');
    expect(configError({ sources: { demo }, temporal: { sqliteSynchronous: 'off' } })).toContain('temporal.sqliteSynchronous');
  });

  test('worker.maxConcurrentActions: 200 by default, at least 1', () => {
    expect(resolveConfig({ sources: { demo } }, '/x.json').worker.maxConcurrentActions).toBe(200);
    expect(configError({ sources: { demo }, worker: { maxConcurrentActions: 0 } })).toContain('worker.maxConcurrentActions');
  });

  test('defaults fill what the file leaves out', () => {
    const config = resolveConfig({ sources: { demo } }, '/etc/hookflow/hookflow.config.json');
    expect(config.server).toMatchObject({ port: 3000, maxBodyBytes: 1_048_576, ackTimeoutMs: 5_000 });
    expect(config.temporal).toMatchObject({ taskQueue: 'hookflow', namespace: 'default' });
    expect(config.handlers).toBe('/etc/hookflow/handlers');
    const source = config.sources.get('demo')!;
    expect(source.settings.options).toMatchObject({ signatureHeader: 'x-sig', algorithm: 'sha256', encoding: 'hex' });
    expect(source.settings.toleranceSeconds).toBe(300);
    expect(config.server).toMatchObject({ trustProxy: false, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    expect(source.rateLimit).toBeUndefined();
    expect(source.allowIps).toBeUndefined();
  });

  test('rateLimit and allowIps are common source fields: resolved, and never passed to the provider', () => {
    const config = resolveConfig(
      { sources: { demo: { ...demo, allowIps: ['127.0.0.1'], rateLimit: { ratePerSecond: 0.5, burst: 5 } } } },
      '/x.json',
    );
    const source = config.sources.get('demo')!;
    expect(source.rateLimit).toEqual({ ratePerSecond: 0.5, burst: 5 });
    expect(source.allowIps!.entries).toEqual(['127.0.0.1']);
    expect(source.settings.options).not.toHaveProperty('rateLimit');
    expect(source.settings.options).not.toHaveProperty('allowIps');
  });

  test.each([
    [{ sources: { demo: { ...demo, algorithm: 'md5' } } }, 'sources.demo.algorithm'],
    [{ sources: { demo: { ...demo, secrets: [] } } }, 'sources.demo.secrets'],
    [{ sources: { demo: { ...demo, provider: 'nope' } } }, 'sources.demo.provider: unknown provider "nope"'],
    [{ sources: { demo: { ...demo, signatureHeder: 'x' } } }, 'signatureHeder'],
    [{ sources: { demo }, server: { port: 'eighty' } }, 'server.port'],
    [{ sources: { demo }, routes: [{ source: 'other', actions: [{ handler: 'h' }] }] }, 'routes.0.source: no source named "other"'],
    [{ sources: { 'bad name!': demo } }, 'sources.bad name!'],
    [{ sources: { sg: { provider: 'sendgrid', secrets: ['not-a-key'] } } }, 'sources.sg.secrets.0: not a base64 SPKI DER'],
    [{ sources: { demo: { ...demo, rateLimit: { ratePerSecond: 0, burst: 3 } } } }, 'sources.demo.rateLimit.ratePerSecond'],
    [{ sources: { demo: { ...demo, rateLimit: { ratePerSecond: 1, burst: 0.5 } } } }, 'sources.demo.rateLimit.burst'],
    [{ sources: { demo: { ...demo, rateLimit: { ratePerSecond: 1 } } } }, 'sources.demo.rateLimit.burst'],
    [{ sources: { demo }, server: { trustProxy: 'yes' } }, 'server.trustProxy'],
    [{ sources: { demo }, server: { headersTimeoutMs: 0 } }, 'server.headersTimeoutMs'],
    [
      { sources: { demo }, server: { headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 } },
      'server.headersTimeoutMs: must not be longer than server.requestTimeoutMs',
    ],
    [{ sources: { demo }, routes: [{ source: 'demo', actions: [{ forward: 'nowhere' }] }] }, 'routes.0.actions.0.forward: no destination named "nowhere"'],
    [{ sources: { demo }, routes: [{ source: 'demo', actions: [{ handler: 'a.b' }] }] }, 'routes.0.actions.0'],
    [{ sources: { demo }, routes: [{ source: 'demo', actions: [{ webhook: 'x' }] }] }, 'routes.0.actions.0'],
    [{ sources: { demo }, routes: [{ source: 'demo', actions: [{ handler: 'h' }], skipStale: true }] }, 'routes.0.skipStale: skipStale needs orderingKey'],
    [{ sources: { demo }, destinations: { d: { url: 'ftp://x', secrets: [whsec] } } }, 'destinations.d.url'],
    [{ sources: { demo }, destinations: { d: { url: 'http://x', secrets: ['whsec_c2hvcnQ='] } } }, 'destinations.d.secrets.0'],
    [{ sources: { demo }, destinations: { d: { url: 'http://x', secrets: [whsec], headers: { 'bad header': 'v' } } } }, 'destinations.d.headers'],
    [{ sources: { demo }, destinations: { d: { url: 'http://x', secrets: [whsec], headers: { authorization: 'a\r\nb' } } } }, 'destinations.d.headers.authorization: not a valid header value'],
    [
      {
        sources: { demo },
        destinations: { d: { url: 'http://x', secrets: [whsec], timeoutMs: 60_000 } },
        routes: [{ source: 'demo', actions: [{ forward: 'd' }] }],
      },
      'destinations.d.timeoutMs: 60000 must be shorter than the startToCloseMs (60000) of routes.0',
    ],
    [{ sources: { demo }, server: { claimCheckBytes: 1_000_000 } }, 'server.claimCheckBytes'],
    [{ sources: { demo }, server: { maxBodyBytes: 20_000_000 } }, 'server.maxBodyBytes: at most 16000000'],
    [{ sources: { demo }, ordering: { eventsPerRun: 0 } }, 'ordering.eventsPerRun'],
  ])('a bad field is named in the message (%#)', (json, field) => {
    expect(configError(json)).toContain(field);
  });

  test('secrets may come from the environment, and a missing variable is named', () => {
    process.env.HOOKFLOW_TEST_SECRET = 'from-env';
    const config = resolveConfig({ sources: { demo: { ...demo, secrets: ['env:HOOKFLOW_TEST_SECRET', 'literal'] } } }, '/x.json');
    expect(config.sources.get('demo')!.settings.secrets).toEqual(['from-env', 'literal']);
    expect(configError({ sources: { demo: { ...demo, secrets: ['env:HOOKFLOW_NOT_SET_ANYWHERE'] } } })).toContain(
      'sources.demo.secrets.0: environment variable HOOKFLOW_NOT_SET_ANYWHERE is not set',
    );
    delete process.env.HOOKFLOW_TEST_SECRET;
  });

  test('destination secrets and header values may come from the environment, and are resolved for the worker', () => {
    process.env.HOOKFLOW_TEST_DEST_SECRET = whsec;
    process.env.HOOKFLOW_TEST_DEST_TOKEN = 'Bearer t0k';
    const config = resolveConfig(
      {
        sources: { demo },
        destinations: {
          billing: {
            url: 'https://billing.internal/hooks',
            secrets: ['env:HOOKFLOW_TEST_DEST_SECRET'],
            headers: { Authorization: 'env:HOOKFLOW_TEST_DEST_TOKEN' },
          },
        },
      },
      '/x.json',
    );
    expect(config.destinations.get('billing')).toEqual({
      name: 'billing',
      url: 'https://billing.internal/hooks',
      secrets: [whsec],
      timeoutMs: 10_000,
      headers: { authorization: 'Bearer t0k' },
    });
    delete process.env.HOOKFLOW_TEST_DEST_SECRET;
    delete process.env.HOOKFLOW_TEST_DEST_TOKEN;
  });

  test('defaults for retries, the claim check and ordering', () => {
    const config = resolveConfig({ sources: { demo } }, '/x.json');
    expect(config.retry).toEqual({
      initialIntervalMs: 1_000,
      backoffCoefficient: 2,
      maximumIntervalMs: 300_000,
      maximumAttempts: 0,
      startToCloseMs: 60_000,
      scheduleToCloseMs: 86_400_000,
      heartbeatTimeoutMs: 30_000,
    });
    expect(config.server.claimCheckBytes).toBe(262_144);
    expect(config.ordering).toEqual({ eventsPerRun: 200, idleMs: 60_000 });
  });

  test('an unreadable or non-JSON file is reported with its path', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-config-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{ "sources": ');
    expect(() => loadConfig(file)).toThrow(`config file ${file} is not valid JSON`);
    expect(() => loadConfig(path.join(dir, 'missing.json'))).toThrow('cannot read config file');
  });

  test('routes resolve to a plan at ingress: patterns, order and per-route retry', () => {
    const config = resolveConfig(
      {
        sources: { demo },
        retry: { maximumAttempts: 5 },
        routes: [
          { source: 'demo', events: ['payment_intent.*'], actions: [{ handler: 'a' }], retry: { maximumAttempts: 2 } },
          { source: 'demo', events: ['*'], actions: [{ handler: 'a' }, { handler: 'b' }] },
          { source: 'demo', events: ['invoice.paid'], actions: [{ handler: 'c' }] },
        ],
      },
      '/x.json',
    );
    const plan = resolvePlan(config, 'demo', 'payment_intent.succeeded', {});
    expect(plan.actions.map((a) => [a.name, a.retry.maximumAttempts])).toEqual([
      ['handler:a', 2],
      ['handler:a#2', 5],
      ['handler:b', 5],
    ]);
    expect(resolvePlan(config, 'demo', 'payment_intentX', {}).actions.map((a) => a.name)).toEqual(['handler:a', 'handler:b']);
    expect(resolvePlan({ ...config, routes: [] }, 'demo', 'x', {}).actions).toEqual([]);
  });
});
