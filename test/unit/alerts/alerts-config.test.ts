import { conditionInput } from '../../../src/alerts/alert-rule';
import { ConfigError } from '../../../src/config/config-error';
import { resolveConfig } from '../../../src/config/load-config';

const demo = { provider: 'hmac', secrets: ['s'], signatureHeader: 'X-Sig', idField: 'id' };
const whsec = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const crm = { url: 'http://127.0.0.1:9/crm', secrets: [whsec] };

function resolve(extra: Record<string, unknown>) {
  return resolveConfig({ sources: { demo }, destinations: { crm }, ...extra }, '/x.json');
}

function configError(extra: Record<string, unknown>): string {
  try {
    resolve(extra);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('alerts and circuitBreaker config (issue #13)', () => {
  test('no alerts by default; a rule gets its defaults, a name, and the section repeatEvery', () => {
    expect(resolve({}).alerts).toEqual({ rules: [] });
    const { rules } = resolve({ alerts: { repeatEvery: '30m', rules: [{ on: 'event.failed', slack: 'https://hooks.slack.com/services/T/B/x' }, { on: 'destination.failing', name: 'crm-down', destinations: ['crm'], webhook: { url: 'https://ops.example/hook', secrets: [whsec] } }] } }).alerts;
    expect(rules[0]).toEqual({ name: 'event-failed-0', on: 'event.failed', mode: 'count', threshold: 1, windowMs: 300_000, repeatEveryMs: 1_800_000, slack: 'https://hooks.slack.com/services/T/B/x' });
    // Its condition resolves below 0.8 of the rate unless the rule says otherwise.
    expect(conditionInput(rules[1]!, 'crm')).toMatchObject({ rate: 0.5, resolveRate: 0.4 });
    expect(conditionInput(resolve({ alerts: { rules: [{ on: 'destination.failing', resolveRate: 0.1, slack: 'https://x.example' }] } }).alerts.rules[0]!, 'crm')).toMatchObject({ resolveRate: 0.1 });
    expect(rules[1]).toEqual({
      name: 'crm-down',
      on: 'destination.failing',
      mode: 'rate',
      subjects: ['crm'],
      rate: 0.5,
      minAttempts: 10,
      windowMs: 300_000,
      repeatEveryMs: 1_800_000,
      webhook: { url: 'https://ops.example/hook', secrets: [whsec], timeoutMs: 10_000 },
    });
  });

  test('a Slack URL may come from the environment, and is never quoted in an error', () => {
    process.env.HOOKFLOW_TEST_SLACK = 'https://hooks.slack.com/services/T/B/secret';
    expect(resolve({ alerts: { rules: [{ on: 'destination.paused', slack: 'env:HOOKFLOW_TEST_SLACK' }] } }).alerts.rules[0]!.slack).toBe('https://hooks.slack.com/services/T/B/secret');
    process.env.HOOKFLOW_TEST_SLACK = 'not a url secret-part';
    const message = configError({ alerts: { rules: [{ on: 'destination.paused', slack: 'env:HOOKFLOW_TEST_SLACK' }] } });
    expect(message).toContain('alerts.rules.0.slack: must be an http or https URL');
    expect(message).not.toContain('secret-part');
    delete process.env.HOOKFLOW_TEST_SLACK;
  });

  test('each bad field is named', () => {
    expect(configError({ alerts: { rules: [{ on: 'event.failed' }] } })).toContain('alerts.rules.0: a rule needs "slack"');
    expect(configError({ alerts: { rules: [{ on: 'event.exploded', slack: 'https://x.example' }] } })).toContain('alerts.rules.0');
    expect(configError({ alerts: { rules: [{ on: 'event.failed', sources: ['nope'], slack: 'https://x.example' }] } })).toContain('alerts.rules.0.sources.0: no source named "nope"');
    expect(configError({ alerts: { rules: [{ on: 'destination.paused', destinations: ['nope'], slack: 'https://x.example' }] } })).toContain('alerts.rules.0.destinations.0: no destination named "nope"');
    expect(configError({ alerts: { rules: [{ on: 'backlog.high', slack: 'https://x.example' }] } })).toContain('alerts.rules.0.threshold');
    expect(configError({ alerts: { rules: [{ on: 'event.failed', window: 'soon', slack: 'https://x.example' }] } })).toContain('alerts.rules.0.window: a duration like 90s');
    expect(configError({ alerts: { rules: [{ on: 'event.failed', webhook: { url: 'https://x.example', secrets: ['short'] } }] } })).toContain('alerts.rules.0.webhook.secrets.0');
    expect(configError({ alerts: { rules: [{ on: 'event.failed', name: 'a', slack: 'https://x.example' }, { on: 'destination.paused', name: 'a', slack: 'https://x.example' }] } })).toContain('alerts.rules.1.name: "a" names another rule too');
    expect(configError({ alerts: { rules: [{ on: 'destination.failing', rate: 1.5, slack: 'https://x.example' }] } })).toContain('alerts.rules.0.rate');
    expect(configError({ alerts: { rules: [{ on: 'destination.failing', rate: 0.5, resolveRate: 0.6, slack: 'https://x.example' }] } })).toContain('alerts.rules.0.resolveRate: resolveRate must not exceed rate');
  });

  test('circuitBreaker: failures required, within and coolDown default to 1m, "manual" leaves the resume to an operator', () => {
    const auto = resolve({ destinations: { crm: { ...crm, circuitBreaker: { failures: 5 } } } }).destinations.get('crm');
    expect(auto?.circuitBreaker).toEqual({ failures: 5, within: 60_000, coolDown: 60_000 });
    const manual = resolve({ destinations: { crm: { ...crm, circuitBreaker: { failures: 2, within: '30s', coolDown: 'manual' } } } }).destinations.get('crm');
    expect(manual?.circuitBreaker).toEqual({ failures: 2, within: 30_000, coolDown: 'manual' });
    expect(configError({ destinations: { crm: { ...crm, circuitBreaker: {} } } })).toContain('destinations.crm.circuitBreaker.failures');
    expect(configError({ destinations: { crm: { ...crm, circuitBreaker: { failures: 0 } } } })).toContain('destinations.crm.circuitBreaker.failures');
    expect(configError({ destinations: { crm: { ...crm, circuitBreaker: { failures: 3, coolDown: 'later' } } } })).toContain('destinations.crm.circuitBreaker.coolDown');
  });
});
