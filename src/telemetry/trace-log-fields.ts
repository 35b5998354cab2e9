import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * A pino mixin: the active span's IDs on every line logged inside it, named as Temporal's
 * interceptors name them in the SDK's lines (`trace_id`, `span_id`), so one search finds an
 * event's lines in the receiver and the worker alike.
 */
export function traceLogFields(): Record<string, string> {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
