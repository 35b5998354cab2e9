import { ConfigError } from '../config/config-error';
import { env } from '../config/env';

/** The OTLP/HTTP encodings hookflow exports with; `grpc` would need a second exporter stack. */
export const TRACE_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type TraceProtocol = (typeof TRACE_PROTOCOLS)[number];

export interface TracingSettings {
  readonly protocol: TraceProtocol;
}

type Read = (name: Parameters<typeof env>[0]) => string | undefined;

/**
 * Whether this process exports traces, from the standard OpenTelemetry variables, read once at
 * start: on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or its traces-only form) is set, unless
 * `OTEL_SDK_DISABLED=true`. Off is `undefined`: then no tracer provider, exporter, interceptor
 * or log mixin is created at all. A value the exporter would silently replace with its default
 * (an unparsable URL, an unknown protocol) is refused here, naming the variable.
 */
export function tracingSettings(read: Read = env): TracingSettings | undefined {
  if (read('OTEL_SDK_DISABLED')?.trim().toLowerCase() === 'true') return undefined;
  const endpoints = (['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const).filter((name) => read(name)?.trim());
  if (endpoints.length === 0) return undefined;
  for (const name of endpoints) {
    const value = read(name)!.trim();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(`${name}: not a URL: ${JSON.stringify(value)} (for example http://otel-collector:4318)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(`${name}: OTLP/HTTP needs an http:// or https:// URL, not ${JSON.stringify(value)}`);
    }
  }
  const protocolVar = read('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = read(protocolVar)?.trim() ?? 'http/protobuf';
  if (!(TRACE_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ConfigError(
      `${protocolVar}: hookflow exports traces over ${TRACE_PROTOCOLS.join(' or ')}, not ${JSON.stringify(protocol)}` +
        (protocol === 'grpc' ? ' (a collector takes OTLP/HTTP on port 4318)' : ''),
    );
  }
  return { protocol: protocol as TraceProtocol };
}

/**
 * Whether tracing is on, never throwing: for the loggers of every command (`hookflow send`
 * too), which should not fail on a bad tracing variable; the receiver and worker report it when
 * they start tracing.
 */
export function tracingEnabled(read: Read = env): boolean {
  try {
    return tracingSettings(read) !== undefined;
  } catch {
    return false;
  }
}
