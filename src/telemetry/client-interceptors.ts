import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from './start-tracing';

/**
 * A Temporal client's interceptors: with tracing on, every workflow start, signal-with-start and
 * signal is a span, and its context travels in the workflow's headers, which is what joins the
 * workflow to the receiver's request. Without tracing, none.
 */
export function clientInterceptors(tracing: Tracing | undefined): ClientInterceptors | undefined {
  if (!tracing) return undefined;
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] };
}
