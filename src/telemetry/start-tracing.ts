import { trace, type Tracer } from '@opentelemetry/api';
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createSpanExporter } from './create-span-exporter';
import { tracingSettings, type TracingSettings } from './tracing-settings';

/** A process's tracing, once on: what the receiver's middleware, the client and the worker use. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Also fed the workflow spans, which the worker receives from the workflow sandbox through a sink. */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Export what is still buffered, then stop: call it as the process ends. */
  shutdown(): Promise<void>;
}

/**
 * Start exporting this process's spans over OTLP, or do nothing (`undefined`) when tracing is
 * off: then no provider, exporter or processor exists and every caller skips its tracing.
 * `serviceName` is the default of `service.name`; `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES` override it. Spans are batched (`OTEL_BSP_*` tune the batches), so
 * a request never waits on the collector.
 */
export function startTracing(serviceName: string, settings: TracingSettings | undefined = tracingSettings()): Tracing | undefined {
  if (!settings) return undefined;
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': serviceName }))
    .merge(envDetectorSync.detect());
  const spanProcessor = new BatchSpanProcessor(createSpanExporter(settings.protocol));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The global provider, W3C trace-context propagator and AsyncLocalStorage context manager:
  // Temporal's interceptors propagate through the global propagator, and the log mixin reads
  // the active span from the context manager.
  provider.register();
  return {
    tracer: trace.getTracer('hookflow'),
    spanProcessor,
    resource,
    shutdown: () => provider.shutdown(),
  };
}
