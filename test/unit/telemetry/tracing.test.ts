import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { createLogger } from '../../../src/logging/logger';
import { createSpanExporter } from '../../../src/telemetry/create-span-exporter';
import { startTracing } from '../../../src/telemetry/start-tracing';
import { tracingEnabled, tracingSettings } from '../../../src/telemetry/tracing-settings';
import { workerTracing } from '../../../src/telemetry/worker-tracing';

// The one place an exporter is made: counted here, and kept in memory instead of sending.
jest.mock('../../../src/telemetry/create-span-exporter', () => ({ createSpanExporter: jest.fn(() => new InMemorySpanExporter()) }));
const exporters = createSpanExporter as jest.MockedFunction<typeof createSpanExporter>;

const from = (vars: Record<string, string>) => (name: string) => vars[name];

/** The mixin createLogger gave its logger, if any (pino writes straight to fd 1, so lines are not captured here). */
const mixinOf = (logger: ReturnType<typeof createLogger>) =>
  (logger as unknown as Record<symbol, (() => Record<string, unknown>) | undefined>)[pino.symbols.mixinSym];

describe('tracingSettings', () => {
  test('off without an endpoint, and with OTEL_SDK_DISABLED=true even with one', () => {
    expect(tracingSettings(from({}))).toBeUndefined();
    expect(tracingSettings(from({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }))).toBeUndefined();
    expect(tracingSettings(from({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'TRUE' }))).toBeUndefined();
  });

  test('on with either endpoint variable; protobuf by default, the traces-only protocol first', () => {
    expect(tracingSettings(from({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }))).toEqual({ protocol: 'http/protobuf' });
    expect(tracingSettings(from({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c/v1/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }))).toEqual({
      protocol: 'http/json',
    });
    expect(
      tracingSettings(
        from({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }),
      ),
    ).toEqual({ protocol: 'http/json' });
  });

  test('a value the exporter would silently replace is refused, naming the variable', () => {
    expect(() => tracingSettings(from({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }))).toThrow(
      /^OTEL_EXPORTER_OTLP_PROTOCOL: .*not "grpc".*4318/,
    );
    expect(() => tracingSettings(from({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }))).toThrow(/^OTEL_EXPORTER_OTLP_ENDPOINT: /);
    expect(() => tracingSettings(from({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }))).toThrow(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: not a URL/);
    // The loggers of every command never fail on it.
    expect(tracingEnabled(from({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }))).toBe(false);
  });
});

// In this order: the global tracer provider can be registered once per process.
describe('startTracing', () => {
  const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  afterEach(() => {
    if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
  });

  test('off: no exporter, no global provider, no worker interceptor, no log mixin', () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    expect(startTracing('hookflow-test')).toBeUndefined();
    expect(exporters).not.toHaveBeenCalled();
    const span = trace.getTracer('t').startSpan('s');
    expect(isSpanContextValid(span.spanContext())).toBe(false); // the API's no-op tracer
    const worker = workerTracing(undefined);
    expect(worker.activityInterceptors).toEqual([]);
    // A workflow a tracing receiver started still finds its sink, which drops the spans.
    expect(Object.keys(worker.sinks)).toEqual(['exporter']);
    expect(mixinOf(createLogger('hookflow-test'))).toBeUndefined();
  });

  test("on: one exporter of the chosen encoding, and the loggers' mixin gives the active span's IDs", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
    const tracing = startTracing('hookflow-test', { protocol: 'http/json' })!;
    expect(exporters.mock.calls).toEqual([['http/json']]);
    expect(tracing.resource.attributes['service.name']).toBe('hookflow-test');
    expect(workerTracing(tracing).activityInterceptors).toHaveLength(2);
    const mixin = mixinOf(createLogger('hookflow-test'))!;
    expect(mixin).toBeInstanceOf(Function);
    const span = tracing.tracer.startSpan('request');
    const inside = context.with(trace.setSpan(context.active(), span), () => mixin());
    span.end();
    expect(inside).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    expect(mixin()).toEqual({}); // outside any span
    // Batched, so sent once flushed (shutdown flushes too, but the in-memory exporter forgets on shutdown).
    await tracing.spanProcessor.forceFlush();
    const exported = (exporters.mock.results[0].value as InMemorySpanExporter).getFinishedSpans();
    expect(exported.map((s) => s.name)).toEqual(['request']);
    await tracing.shutdown();
  });
});
