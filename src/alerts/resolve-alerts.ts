import { checkStandardWebhookSecret } from '../forward/standard-webhook-signature';
import type { AlertMode, AlertRule } from './alert-rule';
import type { RawAlertRule, RawAlerts } from './alerts-schema';

export interface AlertsConfig {
  readonly rules: readonly AlertRule[];
}

const MODES: Record<RawAlertRule['on'], AlertMode> = {
  'event.failed': 'count',
  'signatures.failing': 'count',
  'destination.failing': 'rate',
  'destination.paused': 'state',
  'backlog.high': 'state',
};

export interface ResolveAlertsDeps {
  readonly sources: ReadonlySet<string>;
  readonly destinations: ReadonlySet<string>;
  /** `env:VAR` → its value; throws a ConfigError naming the field when unset. */
  readonly secret: (value: string, at: (string | number)[]) => string;
  readonly invalid: (at: (string | number)[], problem: string) => Error;
}

/** The `alerts` section with its URLs and secrets resolved and every name checked; names the bad field. */
export function resolveAlerts(raw: RawAlerts, deps: ResolveAlertsDeps): AlertsConfig {
  const names = new Set<string>();
  const rules = raw.rules.map((rule, i): AlertRule => {
    const at = ['alerts', 'rules', i];
    const name = rule.name ?? `${rule.on.replace('.', '-')}-${i}`;
    if (names.has(name)) throw deps.invalid([...at, 'name'], `${JSON.stringify(name)} names another rule too`);
    names.add(name);
    // event.failed and signatures.failing watch sources; the destination rules, destinations.
    const subjects = 'sources' in rule ? rule.sources : 'destinations' in rule ? rule.destinations : undefined;
    const field = rule.on === 'event.failed' || rule.on === 'signatures.failing' ? 'sources' : 'destinations';
    const known = field === 'sources' ? deps.sources : deps.destinations;
    subjects?.forEach((subject, j) => {
      if (!known.has(subject)) throw deps.invalid([...at, field, j], `no ${field.slice(0, -1)} named ${JSON.stringify(subject)}`);
    });
    const slack = rule.slack === undefined ? undefined : httpUrl(deps.secret(rule.slack, [...at, 'slack']), [...at, 'slack'], deps);
    const webhook = rule.webhook && {
      url: httpUrl(deps.secret(rule.webhook.url, [...at, 'webhook', 'url']), [...at, 'webhook', 'url'], deps),
      secrets: rule.webhook.secrets.map((secret, j) => {
        const value = deps.secret(secret, [...at, 'webhook', 'secrets', j]);
        const problem = checkStandardWebhookSecret(value);
        if (problem) throw deps.invalid([...at, 'webhook', 'secrets', j], problem);
        return value;
      }),
      timeoutMs: rule.webhook.timeoutMs,
    };
    return {
      name,
      on: rule.on,
      mode: MODES[rule.on],
      ...(subjects ? { subjects } : {}),
      ...('threshold' in rule ? { threshold: rule.threshold } : {}),
      ...('window' in rule ? { windowMs: rule.window } : {}),
      ...('rate' in rule ? { rate: rule.rate, minAttempts: rule.minAttempts, ...(rule.resolveRate !== undefined ? { resolveRate: rule.resolveRate } : {}) } : {}),
      ...('checkEvery' in rule ? { checkEveryMs: rule.checkEvery } : {}),
      repeatEveryMs: rule.repeatEvery ?? raw.repeatEvery,
      ...(slack ? { slack } : {}),
      ...(webhook ? { webhook } : {}),
    };
  });
  return { rules };
}

/** Checked without quoting the value: a Slack webhook URL is a credential. */
function httpUrl(value: string, at: (string | number)[], deps: ResolveAlertsDeps): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw deps.invalid(at, 'must be an http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw deps.invalid(at, 'must be an http or https URL');
  return value;
}
