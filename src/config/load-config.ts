import { readFileSync } from 'node:fs';
import path from 'node:path';
import { providerNames, providers } from '../providers/registry';
import type { Provider, SourceSettings } from '../providers/types';
import { createIpAllowList, InvalidIpEntryError, type IpAllowList } from '../receiver/ip-allowlist';
import type { RateLimit } from '../receiver/token-bucket';
import { ConfigError } from './config-error';
import { env, secretFromEnv } from './env';
import { COMMON_SOURCE_KEYS, configSchema, type RawConfig, type RetrySettings, type RouteConfig } from './schema';

export interface SourceConfig {
  readonly name: string;
  readonly provider: Provider<any>;
  readonly settings: SourceSettings<any>;
  readonly maxBodyBytes: number;
  /** Absent: no rate limit. */
  readonly rateLimit?: RateLimit;
  /** Absent: any address may deliver. */
  readonly allowIps?: IpAllowList;
}

export interface HookflowConfig {
  readonly configPath: string;
  readonly server: RawConfig['server'];
  readonly temporal: RawConfig['temporal'];
  readonly mongodb: RawConfig['mongodb'];
  /** Absolute path of the handlers module. */
  readonly handlers: string;
  readonly retry: RetrySettings;
  readonly sources: ReadonlyMap<string, SourceConfig>;
  readonly routes: readonly RouteConfig[];
}

export function defaultConfigPath(): string {
  return path.resolve(env('HOOKFLOW_CONFIG') ?? 'hookflow.config.json');
}

/** Read, override from the environment, and validate the config file. Throws ConfigError. */
export function loadConfig(configPath = defaultConfigPath()): HookflowConfig {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${configPath}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${configPath} is not valid JSON: ${(error as Error).message}`);
  }
  return resolveConfig(json, configPath);
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
  raw.routes.forEach((route, i) => {
    if (!sources.has(route.source)) {
      throw new ConfigError(`invalid config:\n  routes.${i}.source: no source named ${JSON.stringify(route.source)}`);
    }
  });

  return {
    configPath,
    server: raw.server,
    temporal: raw.temporal,
    mongodb: raw.mongodb,
    handlers: path.resolve(path.dirname(configPath), raw.handlers),
    retry: raw.retry,
    sources,
    routes: raw.routes,
  };
}

function resolveSource(name: string, source: RawConfig['sources'][string], raw: RawConfig): SourceConfig {
  const at = ['sources', name];
  const provider = providers[source.provider];
  if (!provider) {
    throw new ConfigError(
      `invalid config:\n  ${at.join('.')}.provider: unknown provider ${JSON.stringify(source.provider)}; ` +
        `choose one of ${providerNames().join(', ')}`,
    );
  }
  const specific = Object.fromEntries(Object.entries(source).filter(([key]) => !COMMON_SOURCE_KEYS.includes(key)));
  const options = provider.options.safeParse(specific);
  if (!options.success) throw ConfigError.fromZod(options.error, at);

  const secrets = source.secrets.map((secret, i) => {
    if (!secret.startsWith('env:')) return secret;
    const value = secretFromEnv(secret.slice(4));
    if (value === undefined) {
      throw new ConfigError(
        `invalid config:\n  ${at.join('.')}.secrets.${i}: environment variable ${secret.slice(4)} is not set`,
      );
    }
    return value;
  });
  secrets.forEach((secret, i) => {
    const problem = provider.checkSecret?.(secret);
    if (problem) throw new ConfigError(`invalid config:\n  ${at.join('.')}.secrets.${i}: ${problem}`);
  });

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
  };
}

function allowList(entries: string[], at: string[]): IpAllowList {
  try {
    return createIpAllowList(entries);
  } catch (error) {
    if (!(error instanceof InvalidIpEntryError)) throw error;
    throw new ConfigError(`invalid config:\n  ${at.join('.')}.allowIps.${error.index}: ${error.message}`);
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
  const out: Record<string, unknown> = { ...config, server, temporal, mongodb };
  const handlers = env('HOOKFLOW_HANDLERS');
  if (handlers !== undefined) out.handlers = path.resolve(handlers);
  return out;
}
