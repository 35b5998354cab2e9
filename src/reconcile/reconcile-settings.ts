import { createPrivateKey } from 'node:crypto';
import type { RawConfig } from '../config/schema';

/**
 * A repository hook; the GitHub App's hook with `apiToken` being a JWT the operator minted (it
 * lasts 10 minutes: for a one-off CLI run); or the App's hook authenticated as the App, a fresh
 * JWT signed with its private key for each run (@octokit/auth-app), which a schedule needs.
 */
export type HookSettings =
  | { readonly owner: string; readonly repo: string; readonly id: number }
  | { readonly app: true }
  | { readonly appId: number; readonly privateKey: string };

/** A source's provider API, resolved at load: what `hookflow reconcile` and its schedule use. */
export interface ReconcileSettings {
  readonly provider: 'stripe' | 'github';
  /** stripe: the secret (or restricted, `rk_`) key; github: a token (an App's JWT for `{app: true}`). */
  readonly credential?: string;
  /** Default: the provider's own API. */
  readonly apiUrl?: string;
  readonly hook?: HookSettings;
  /** Milliseconds between scheduled runs; absent: no schedule, only the CLI. */
  readonly everyMs?: number;
  /** How far back a scheduled run (and the CLI without --since) looks. */
  readonly lookbackMs: number;
  readonly mode: 'feed' | 'redeliver';
}

type RawSource = RawConfig['sources'][string];
type Fail = (field: string, problem: string) => Error;

const RECONCILABLE = ['stripe', 'github'] as const;

/**
 * The reconciliation settings of one source, or undefined when it has none. Credentials may be
 * `env:VAR` (resolveSecret reads them); a field for the wrong provider, or a schedule without
 * the credentials it needs, is an error naming the field.
 */
export function resolveReconcileSettings(
  source: RawSource,
  resolveSecret: (value: string, field: string) => string,
  fail: Fail,
): ReconcileSettings | undefined {
  const { apiKey, apiToken, apiUrl, hook, reconcile } = source;
  const given = Object.entries({ apiKey, apiToken, apiUrl, hook, reconcile }).filter(([, v]) => v !== undefined);
  if (given.length === 0) return undefined;
  const provider = source.provider;
  if (!(RECONCILABLE as readonly string[]).includes(provider)) {
    throw fail(given[0]![0], `only ${RECONCILABLE.join(' and ')} sources can be reconciled with their provider's API`);
  }
  if (provider === 'stripe' && (apiToken !== undefined || hook !== undefined)) {
    throw fail(apiToken !== undefined ? 'apiToken' : 'hook', 'a stripe source takes apiKey (and apiUrl), not a GitHub token or hook');
  }
  if (provider === 'github' && apiKey !== undefined) throw fail('apiKey', 'a github source takes apiToken and hook, not apiKey');
  // Stripe's API lists events but has no call to resend one: its events are fed.
  if (provider === 'stripe' && reconcile?.mode === 'redeliver') {
    throw fail('reconcile.mode', 'the stripe API cannot redeliver an event; missing events are fed ("feed", the default)');
  }
  const asApp = hook !== undefined && 'appId' in hook;
  if (asApp && apiToken !== undefined) {
    throw fail('apiToken', "the App's hook with appId and privateKey authenticates as the App (a JWT per run); drop apiToken");
  }
  const credentialField = provider === 'stripe' ? 'apiKey' : 'apiToken';
  const raw = provider === 'stripe' ? apiKey : apiToken;
  const credential = raw === undefined ? undefined : resolveSecret(raw, credentialField);
  if (reconcile?.every !== undefined) {
    if (credential === undefined && !asApp) throw fail(credentialField, `reconcile.every needs ${credentialField} to call the ${provider} API`);
    if (provider === 'github' && hook === undefined) throw fail('hook', 'reconcile.every needs the hook whose deliveries to list');
  }
  return {
    provider: provider as ReconcileSettings['provider'],
    ...(credential === undefined ? {} : { credential }),
    ...(apiUrl === undefined ? {} : { apiUrl }),
    ...(hook === undefined ? {} : { hook: asApp ? appHook(hook, resolveSecret, fail) : hook }),
    ...(reconcile?.every === undefined ? {} : { everyMs: reconcile.every }),
    lookbackMs: reconcile?.lookback ?? 72 * 3_600_000,
    mode: reconcile?.mode ?? 'feed',
  };
}

/**
 * The App's ID and private key (the PEM GitHub lets you download, PKCS#1 or PKCS#8; `env:VAR`
 * allowed, with `\n` escapes as environment variables often carry them), parsed once here so a
 * bad key names its field at start rather than failing every scheduled run.
 */
function appHook(
  hook: { appId: number; privateKey: string },
  resolveSecret: (value: string, field: string) => string,
  fail: Fail,
): HookSettings {
  const privateKey = resolveSecret(hook.privateKey, 'hook.privateKey').replace(/\\n/g, '\n');
  try {
    const key = createPrivateKey(privateKey);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`a ${key.asymmetricKeyType} key`);
  } catch (error) {
    throw fail('hook.privateKey', `not the App's RSA private key in PEM form (${(error as Error).message})`);
  }
  return { appId: hook.appId, privateKey };
}
