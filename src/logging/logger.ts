import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { env } from '../config/env';
import { providers } from '../providers/registry';
import { secretRedactor } from './redact-secrets';
import { traceLogFields } from '../telemetry/trace-log-fields';
import { tracingEnabled } from '../telemetry/tracing-settings';

export type { Logger };

/** Credentials any request may carry. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * Every provider's signature headers, from the providers themselves so a new provider is covered
 * without a second list. The generic `hmac` provider's header is configured per source: pass
 * those to createLogger.
 */
const SIGNATURE_HEADERS = Object.values(providers).flatMap((provider) => {
  try {
    return provider.secretHeaders({}).filter((name): name is string => typeof name === 'string');
  } catch {
    return [];
  }
});

/** Every header name whose value a log line must never show. */
export function secretHeaderNames(secretHeaders: readonly string[] = []): string[] {
  return [...new Set([...CREDENTIAL_HEADERS, ...SIGNATURE_HEADERS, ...secretHeaders].map((name) => name.toLowerCase()))];
}

/**
 * Structured JSON logs. Anything that could hold a secret is redacted at the source, so a
 * log line can never leak a signing secret or a signature even when a whole object is logged.
 * `secretHeaders`: more header names to redact (the headers of `hmac` sources).
 */
export function createLogger(
  name: string,
  level = env('HOOKFLOW_LOG_LEVEL') ?? 'info',
  secretHeaders: readonly string[] = [],
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    name,
    level,
    // Each line's fields, not a child logger's bindings (pino formats those once, unredacted):
    // bind names and IDs, never objects that could hold a secret.
    formatters: { log: secretRedactor(secretHeaderNames(secretHeaders)) },
    // With tracing on, each line logged inside a span (a request, an action attempt) carries its
    // trace_id and span_id; with it off, no mixin runs at all.
    ...(tracingEnabled() ? { mixin: traceLogFields } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
