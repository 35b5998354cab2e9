/** Where a process is in its life: only a running one can be ready. */
export type Phase = 'starting' | 'running' | 'stopping';

/** One dependency's answer. The detail of a failure goes to the log, not to the (public) response. */
export type CheckResult = { readonly status: 'up' } | { readonly status: 'down'; readonly reason: 'timeout' | 'error' };

export interface ReadinessBody {
  readonly status: 'ready' | 'not_ready' | 'starting' | 'shutting_down';
  /** The dependencies that are down, by name. */
  readonly down?: readonly string[];
  readonly checks?: Readonly<Record<string, CheckResult>>;
}

export interface ReadinessReport {
  readonly httpStatus: 200 | 503;
  readonly body: ReadinessBody;
}

/**
 * Ready only while running with every dependency up. Starting and stopping processes answer 503
 * without checking anything, so a load balancer stops sending work the moment shutdown begins.
 */
export function readinessReport(phase: Phase, checks: Readonly<Record<string, CheckResult>> = {}): ReadinessReport {
  if (phase === 'starting') return { httpStatus: 503, body: { status: 'starting' } };
  if (phase === 'stopping') return { httpStatus: 503, body: { status: 'shutting_down' } };
  const down = Object.entries(checks)
    .filter(([, result]) => result.status === 'down')
    .map(([name]) => name);
  return down.length === 0
    ? { httpStatus: 200, body: { status: 'ready', checks } }
    : { httpStatus: 503, body: { status: 'not_ready', down, checks } };
}
