import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TraceProtocol } from './tracing-settings';

/**
 * The OTLP/HTTP exporter of the chosen encoding. Both read the endpoint, headers, timeout and
 * compression from the standard `OTEL_EXPORTER_OTLP_*` variables themselves (appending
 * `/v1/traces` to `OTEL_EXPORTER_OTLP_ENDPOINT`), so a collector is configured the usual way.
 */
export function createSpanExporter(protocol: TraceProtocol): SpanExporter {
  return protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter();
}
