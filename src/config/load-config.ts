import path from 'node:path';
import { providerNames, providers } from '../providers/registry';
import type { Provider, SourceSettings } from '../providers/types';
import { createIpAllowList, InvalidIpEntryError, type IpAllowList } from '../receiver/ip-allowlist';
import type { RateLimit } from '../receiver/token-bucket';
import { ConfigError } from './config-error';
import { readConfigFile } from './read-config-file';
import { env, secretFromEnv } from './env';
import { checkStandardWebhookSecret } from '../forward/standard-webhook-signature';
import { resolveReconcileSettings, type ReconcileSettings } from '../reconcile/reconcile-settings';
import { resolveAlerts, type AlertsConfig } from '../alerts/resolve-alerts';
import type { CircuitBreakerSettings } from '../breaker/breaker-schema';
import { destinationLimits } from '../limits/destination-limits';
import type { DestinationLimits } from '../types/webhook-event';
import {
  COMMON_SOURCE_KEYS,
  configSchema,
  type DestinationSettings,
  type RawConfig,
  type RetrySettings,
  type RouteConfig,
} from './schema';

export interface SourceConfig {
  readonly name: string;
  readonly provider: Provider<any>;
  readonly settings: SourceSettings<any>;
  readonly maxBodyBytes: number;
  /** Absent: no rate limit. */
  readonly rateLimit?: RateLimit;
  /** Absent: any address may deliver. */
  readonly allowIps?: IpAllowList;
  /** The provider's API for `hookflow reconcile` and its schedule (stripe, github). */
  readonly reconcile?: ReconcileSettings;
}

/** A forward target with its `env:` references resolved. Secrets stay on the worker. */
export interface DestinationConfig {
  readonly name: string;
  readonly url: string;
  readonly secrets: readonly string[];
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Absent: the destination never pauses itself (src/breaker/). */
  readonly circuitBreaker?: CircuitBreakerSettings;
  /** Absent: forwards as fast as the workers go (src/limits/). */
  readonly limits?: DestinationLimits;
}

export interface HookflowConfig {
  readonly configPath: string;
  readonly server: RawConfig['server'];
  readonly temporal: RawConfig['temporal'];
  readonly mongodb: RawConfig['mongodb'];
  readonly admin: RawConfig['admin'];
  readonly worker: RawConfig['worker'];
  /** Absolute path of the handlers module. */
  readonly handlers: string;
  readonly retry: RetrySettings;
  readonly sources: ReadonlyMap<string, SourceConfig>;
  readonly routes: readonly RouteConfig[];
  readonly destinations: ReadonlyMap<string, DestinationConfig>;
  readonly ordering: RawConfig['ordering'];
  /** How long payloads and records are kept (src/retention/). */
  readonly retention: RawConfig['retention'];
  /** Alert rules with their URLs and secrets resolved (src/alerts/). */
  readonly alerts: AlertsConfig;
}

export function defaultConfigPath(): string {
  return path.resolve(env('HOOKFLOW_CONFIG') ?? 'hookflow.config.json');
}

/** Read, override from the environment, and validate the config file. Throws ConfigError. */
export function loadConfig(configPath = defaultConfigPath()): HookflowConfig {
  return resolveConfig(readConfigFile(configPath), configPath);
}

/** Validate an already-parsed config object; `configPath` anchors relative paths. */
export function resolveConfig(json: unknown, configPath: string): HookflowConfig {
  const parsed = configSchema.safeParse(applyEnvOverrides(json));
  if (!parsed.success) throw ConfigError.fromZod(parsed.error);
  const raw = parsed.data;

  const sources = new Map<string, SourceConfig>();
  for (const [name, source] of Object.entries(raw.sources)) {
    sources.set(name, resolveSource(name, source, raw));
  }
  const destinations = new Map<string, DestinationConfig>();
  for (const [name, destination] of Object.entries(raw.destinations)) {
    destinations.set(name, resolveDestination(name, destination));
  }
  raw.routes.forEach((route, i) => checkRoute(route, i, raw, sources, destinations));
  // A name picks one route (refusals, `hookflow transform <route>`), so no two may share it.
  raw.routes.forEach((route, i) => {
    const first = raw.routes.findIndex((other) => other.name !== undefined && other.name === route.name);
    if (first !== i && first >= 0) throw invalid(['routes', i, 'name'], `${JSON.stringify(route.name)} is already the name of routes.${first}`);
  });

  return {
    configPath,
    server: raw.server,
    temporal: raw.temporal,
    mongodb: raw.mongodb,
    admin: resolveAdmin(raw.admin),
    worker: raw.worker,
    handlers: path.resolve(path.dirname(configPath), raw.handlers),
    retry: raw.retry,
    sources,
    routes: raw.routes,
    destinations,
    ordering: raw.ordering,
    retention: raw.retention,
    alerts: resolveAlerts(raw.alerts, {
      sources: new Set(sources.keys()),
      destinations: new Set(destinations.keys()),
      secret: resolveSecret,
      invalid,
    }),
  };
}

function invalid(at: (string | number)[], problem: string): ConfigError {
  return new ConfigError(`invalid config:\n  ${at.join('.')}: ${problem}`);
}

/** A secret (or any sensitive value) given as `env:VAR` is read from that variable. */
function resolveSecret(value: string, at: (string | number)[]): string {
  if (!value.startsWith('env:')) return value;
  const resolved = secretFromEnv(value.slice(4));
  if (resolved === undefined) throw invalid(at, `environment variable ${value.slice(4)} is not set`);
  return resolved;
}

function resolveAdmin(admin: RawConfig['admin']): RawConfig['admin'] {
  if (admin.token === undefined) return admin;
  const token = resolveSecret(admin.token, ['admin', 'token']);
  if (token.length < 16) throw invalid(['admin', 'token'], 'use a token of at least 16 characters');
  return { ...admin, token };
}

function checkRoute(
  route: RouteConfig,
  i: number,
  raw: RawConfig,
  sources: ReadonlyMap<string, SourceConfig>,
  destinations: ReadonlyMap<string, DestinationConfig>,
): void {
  if (!sources.has(route.source)) throw invalid(['routes', i, 'source'], `no source named ${JSON.stringify(route.source)}`);
  const startToCloseMs = route.retry?.startToCloseMs ?? raw.retry.startToCloseMs;
  route.actions.forEach((action, j) => {
    if (!('forward' in action)) return;
    const destination = destinations.get(action.forward);
    if (!destination) throw invalid(['routes', i, 'actions', j, 'forward'], `no destination named ${JSON.stringify(action.forward)}`);
    // Otherwise Temporal would cut every attempt off before the forward's own timeout fires.
    if (destination.timeoutMs >= startToCloseMs) {
      throw invalid(
        ['destinations', action.forward, 'timeoutMs'],
        `${destination.timeoutMs} must be shorter than the startToCloseMs (${startToCloseMs}) of routes.${i}`,
      );
    }
  });
}

function resolveDestination(name: string, destination: DestinationSettings): DestinationConfig {
  const at = ['destinations', name];
  const secrets = destination.secrets.map((secret, i) => {
    const value = resolveSecret(secret, [...at, 'secrets', i]);
    const problem = checkStandardWebhookSecret(value);
    if (problem) throw invalid([...at, 'secrets', i], problem);
    return value;
  });
  const headers = Object.fromEntries(
    Object.entries(destination.headers).map(([header, raw]) => {
      const value = resolveSecret(raw, [...at, 'headers', header]);
      // Checked after resolving `env:`, and without quoting the value: it may be a credential.
      if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) throw invalid([...at, 'headers', header], 'not a valid header value');
      return [header.toLowerCase(), value];
    }),
  );
  const limits = destinationLimits(destination);
  return {
    name,
    url: destination.url,
    secrets,
    timeoutMs: destination.timeoutMs,
    headers,
    ...(destination.circuitBreaker ? { circuitBreaker: destination.circuitBreaker } : {}),
    ...(limits ? { limits } : {}),
  };
}

function resolveSource(name: string, source: RawConfig['sources'][string], raw: RawConfig): SourceConfig {
  const at = ['sources', name];
  const provider = providers[source.provider];
  if (!provider) {
    throw invalid(
      [...at, 'provider'],
      `unknown provider ${JSON.stringify(source.provider)}; choose one of ${providerNames().join(', ')}`,
    );
  }
  const specific = Object.fromEntries(Object.entries(source).filter(([key]) => !COMMON_SOURCE_KEYS.includes(key)));
  // Credentials in options (`users`, `verifyToken`, `clientState`) may be `env:VAR` too.
  for (const field of provider.secretOptions ?? []) {
    const value = specific[field];
    if (typeof value === 'string') specific[field] = resolveSecret(value, [...at, field]);
    else if (Array.isArray(value)) specific[field] = value.map((v, i) => (typeof v === 'string' ? resolveSecret(v, [...at, field, i]) : v));
  }
  const options = provider.options.safeParse(specific);
  if (!options.success) throw ConfigError.fromZod(options.error, at);

  if (!source.secrets && provider.needsSecrets !== false) throw invalid([...at, 'secrets'], 'required: a list of at least one secret');
  const secrets = (source.secrets ?? []).map((secret, i) => resolveSecret(secret, [...at, 'secrets', i]));
  secrets.forEach((secret, i) => {
    const problem = provider.checkSecret?.(secret, options.data);
    if (problem) throw invalid([...at, 'secrets', i], problem);
  });

  const reconcile = resolveReconcileSettings(
    source,
    (value, field) => resolveSecret(value, [...at, field]),
    (field, problem) => invalid([...at, field], problem),
  );
  return {
    name,
    provider,
    settings: {
      secrets,
      toleranceSeconds: source.toleranceSeconds ?? provider.defaultToleranceSeconds ?? 300,
      options: options.data,
    },
    maxBodyBytes: source.maxBodyBytes ?? raw.server.maxBodyBytes,
    ...(source.rateLimit ? { rateLimit: source.rateLimit } : {}),
    ...(source.allowIps ? { allowIps: allowList(source.allowIps, at) } : {}),
    ...(reconcile ? { reconcile } : {}),
  };
}

function allowList(entries: string[], at: string[]): IpAllowList {
  try {
    return createIpAllowList(entries);
  } catch (error) {
    if (!(error instanceof InvalidIpEntryError)) throw error;
    throw invalid([...at, 'allowIps', error.index], error.message);
  }
}

/** Environment variables win over the file, so one file serves every deployment. */
function applyEnvOverrides(json: unknown): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const config = json as Record<string, any>;
  const section = (key: string): Record<string, unknown> =>
    config[key] !== null && typeof config[key] === 'object' ? { ...config[key] } : {};
  const server = section('server');
  const temporal = section('temporal');
  const mongodb = section('mongodb');
  const admin = section('admin');
  const worker = section('worker');
  const set = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined) target[key] = value;
  };
  const port = env('HOOKFLOW_PORT');
  set(server, 'host', env('HOOKFLOW_HOST'));
  set(server, 'port', port === undefined ? undefined : Number(port));
  set(server, 'publicUrl', env('HOOKFLOW_PUBLIC_URL'));
  set(temporal, 'address', env('TEMPORAL_ADDRESS'));
  set(temporal, 'namespace', env('TEMPORAL_NAMESPACE'));
  set(temporal, 'taskQueue', env('HOOKFLOW_TASK_QUEUE'));
  set(temporal, 'uiUrl', env('TEMPORAL_UI_URL'));
  set(mongodb, 'uri', env('MONGODB_URI'));
  set(mongodb, 'database', env('MONGODB_DATABASE'));
  const adminPort = env('HOOKFLOW_ADMIN_PORT');
  const workerPort = env('HOOKFLOW_WORKER_PORT');
  set(admin, 'token', env('HOOKFLOW_ADMIN_TOKEN'));
  set(admin, 'port', adminPort === undefined ? undefined : Number(adminPort));
  set(worker, 'port', workerPort === undefined ? undefined : Number(workerPort));
  const out: Record<string, unknown> = { ...config, server, temporal, mongodb, admin, worker };
  const handlers = env('HOOKFLOW_HANDLERS');
  if (handlers !== undefined) out.handlers = path.resolve(handlers);
  return out;
}
