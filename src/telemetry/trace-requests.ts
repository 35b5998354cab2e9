import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { Middleware } from 'koa';

/**
 * The receiver's first step when tracing is on: one server span per delivery to `/webhooks/`,
 * active for the whole request, so the workflow start (Temporal's client interceptor) is its
 * child and carries the trace into the workflow, and every log line of the request carries its
 * trace ID. The span is a root: a `traceparent` header from the internet is not trusted to
 * join a trace of ours. Health and metrics requests are not traced (scrapes would drown the
 * events). 5xx answers mark the span as an error; 4xx are the sender's fault (OpenTelemetry's
 * HTTP server convention).
 */
export function traceRequests(tracer: Tracer): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/webhooks/')) return next();
    const span = tracer.startSpan(
      `${ctx.method} /webhooks/:source`,
      {
        kind: SpanKind.SERVER,
        root: true,
        attributes: {
          'http.request.method': ctx.method,
          'http.route': '/webhooks/:source',
          'url.path': ctx.path,
          'hookflow.source': ctx.path.slice('/webhooks/'.length),
        },
      },
      context.active(),
    );
    try {
      await context.with(trace.setSpan(context.active(), span), next);
    } catch (error) {
      // Only what the error middleware behind this step could not answer.
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.setAttribute('http.response.status_code', ctx.status);
      const body = ctx.body as { workflowId?: unknown; status?: unknown } | undefined;
      if (body && typeof body === 'object' && typeof body.workflowId === 'string') {
        span.setAttribute('hookflow.workflow_id', body.workflowId);
        if (typeof body.status === 'string') span.setAttribute('hookflow.outcome', body.status);
      }
      if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
