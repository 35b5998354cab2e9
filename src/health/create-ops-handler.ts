import type { ReadinessReport } from './readiness-report';

export interface OpsResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface OpsSources {
  readonly readiness: () => Promise<ReadinessReport>;
  readonly metrics: () => Promise<{ readonly contentType: string; readonly text: string }>;
}

/** Answers an operations path, or undefined when the path is not one. */
export type OpsHandler = (path: string) => Promise<OpsResponse | undefined>;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `/healthz`, `/readyz` and `/metrics`, with no HTTP framework: the receiver mounts it on Koa,
 * the worker on a bare node:http server.
 */
export function createOpsHandler({ readiness, metrics }: OpsSources): OpsHandler {
  return async (path) => {
    switch (path) {
      case '/healthz':
        // Alive: the event loop turns. Dependencies are /readyz's business, so an outage of
        // Temporal never gets a healthy process restarted.
        return { status: 200, contentType: JSON_TYPE, body: JSON.stringify({ status: 'ok' }) };
      case '/readyz': {
        const report = await readiness();
        return { status: report.httpStatus, contentType: JSON_TYPE, body: JSON.stringify(report.body) };
      }
      case '/metrics': {
        const { contentType, text } = await metrics();
        return { status: 200, contentType, body: text };
      }
      default:
        return undefined;
    }
  };
}
