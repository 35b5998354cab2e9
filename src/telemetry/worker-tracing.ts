import { trace } from '@opentelemetry/api';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks, WorkerOptions } from '@temporalio/worker';
import type { Tracing } from './start-tracing';
import { workflowInterceptorModules } from './workflow-interceptor-modules';

/**
 * A worker's options with tracing added (create-worker.ts): the activity interceptors and the
 * workflow sink of `workerTracing`, and, when the worker bundles workflows at start, the
 * workflow interceptor modules (a prebuilt bundle holds them already, see
 * workflow-interceptor-modules.ts).
 */
export function withTracing(options: WorkerOptions, tracing: Tracing | undefined): WorkerOptions {
  const { activityInterceptors, sinks } = workerTracing(tracing);
  const modules = options.workflowBundle ? undefined : [...new Set([...(options.interceptors?.workflowModules ?? []), ...workflowInterceptorModules()])];
  return {
    ...options,
    interceptors: {
      ...options.interceptors,
      ...(modules ? { workflowModules: modules } : {}),
      activity: [...(options.interceptors?.activity ?? []), ...activityInterceptors],
    },
    sinks: { ...options.sinks, ...sinks },
  };
}

export interface WorkerTracingOptions {
  readonly activityInterceptors: ActivityInterceptorsFactory[];
  readonly sinks: InjectedSinks<OpenTelemetrySinks>;
}

/**
 * A worker's share of the traces. With tracing on: Temporal's activity interceptors (one span
 * per attempt, a child of the workflow's span that scheduled it) plus hookflow's (below), and
 * the sink through which the workflow sandbox hands its spans to this process's exporter. With
 * tracing off: no interceptor, and a sink that drops what a workflow started by a tracing
 * receiver sends, so that case costs nothing and logs no "unregistered sink" error.
 */
export function workerTracing(tracing: Tracing | undefined): WorkerTracingOptions {
  if (!tracing) return { activityInterceptors: [], sinks: { exporter: { export: { fn: () => undefined } } } };
  return {
    activityInterceptors: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
      attemptInterceptors,
    ],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

/**
 * Inside Temporal's attempt span: name the action and the attempt on it, and keep the trace's
 * IDs for the SDK's log lines about this attempt, which it writes after the span has ended
 * ("Activity failed"), where Temporal's own interceptor no longer finds them.
 */
const attemptInterceptors: ActivityInterceptorsFactory = (ctx) => {
  let ids: { trace_id: string; span_id: string } | undefined;
  return {
    inbound: {
      execute(input, next) {
        const span = trace.getActiveSpan();
        if (span) {
          const { traceId, spanId } = span.spanContext();
          ids = { trace_id: traceId, span_id: spanId };
          span.setAttribute('temporal.activity.attempt', ctx.info.attempt);
          const action = (input.args[0] as { action?: { name?: unknown; kind?: unknown } } | undefined)?.action;
          if (typeof action?.name === 'string') span.setAttribute('hookflow.action', action.name);
          if (typeof action?.kind === 'string') span.setAttribute('hookflow.action_kind', action.kind);
        }
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (input, next) => next(ids ? { ...ids, ...input } : input),
    },
  };
};
