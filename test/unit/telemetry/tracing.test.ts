import { Writable } from 'node:stream';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLogger } from '../../../src/logging/logger';
import { createSpanExporter } from '../../../src/telemetry/create-span-exporter';
import { startTracing } from '../../../src/telemetry/start-tracing';
import { tracingEnabled, tracingSettings } from '../../../src/telemetry/tracing-settings';
import { workerTracing } from '../../../src/telemetry/worker-tracing';

// The one place an exporter is made: counted here, and kept in memory instead of sending.
jest.mock('../../../src/telemetry/create-span-exporter', () => ({ createSpanExporter: jest.fn(() => new InMemorySpanExporter()) }));
const exporters = createSpanExporter as jest.MockedFunction<typeof createSpanExporter>;

const from = (vars: Record<string, string>) => (name: string) => vars[name];

/** The lines a logger from createLogger writes, parsed (pino writes to stdout: capture it). */
function captureLogs(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => (lines.push(String(chunk)), true)) as never);
  try {
    run();
  } finally {
    write.mockRestore();
  }
  return lines.flatMap((text) => text.split('\n').filter(Boolean)).map((line) => JSON.parse(line) as Record<string, unknown>);
}

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
    const lines = captureLogs(() => createLogger('hookflow-test').info('line'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toHaveProperty('trace_id');
  });

  test('on: one exporter of the chosen encoding, and lines logged inside a span carry its IDs', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
    const tracing = startTracing('hookflow-test', { protocol: 'http/json' })!;
    expect(exporters.mock.calls).toEqual([['http/json']]);
    expect(tracing.resource.attributes['service.name']).toBe('hookflow-test');
    expect(workerTracing(tracing).activityInterceptors).toHaveLength(2);
    const logger = createLogger('hookflow-test');
    const span = tracing.tracer.startSpan('request');
    const lines = captureLogs(() => {
      context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
      logger.info('outside');
    });
    span.end();
    expect(lines[0]).toMatchObject({ msg: 'inside', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    expect(lines[1]).toMatchObject({ msg: 'outside' });
    expect(lines[1]).not.toHaveProperty('trace_id');
    // Batched, so sent once flushed (shutdown flushes too, but the in-memory exporter forgets on shutdown).
    await tracing.spanProcessor.forceFlush();
    const exported = (exporters.mock.results[0].value as InMemorySpanExporter).getFinishedSpans();
    expect(exported.map((s) => s.name)).toEqual(['request']);
    await tracing.shutdown();
  });
});
