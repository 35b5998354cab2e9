import type { Logger } from '../logging/logger';
import { readinessReport, type CheckResult, type Phase, type ReadinessReport } from './readiness-report';

/** A dependency check: resolves when the dependency answered, within `timeoutMs` if it honours it. */
export type DependencyCheck = (timeoutMs: number) => Promise<unknown>;

/**
 * Each check's bound. Probes run every few seconds and must not pile up; set the probe's own
 * timeout above this (Kubernetes: `timeoutSeconds: 3`).
 */
export const CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessOptions {
  readonly checks: Readonly<Record<string, DependencyCheck>>;
  readonly phase: () => Phase;
  readonly logger: Logger;
  readonly timeoutMs?: number;
}

/**
 * `/readyz`: run the checks concurrently, each bounded by a timeout even if it ignores its own,
 * and report. A dependency going down or coming back is logged once, with the error, rather
 * than on every probe.
 */
export function createReadiness({ checks, phase, logger, timeoutMs = CHECK_TIMEOUT_MS }: ReadinessOptions): () => Promise<ReadinessReport> {
  const wasDown = new Set<string>();
  return async () => {
    const current = phase();
    if (current !== 'running') return readinessReport(current);
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
        const failure = await bounded(check, timeoutMs);
        if (failure && !wasDown.has(name)) {
          wasDown.add(name);
          logger.warn({ dependency: name, err: failure.error }, `readiness: ${name} is down`);
        } else if (!failure && wasDown.delete(name)) {
          logger.info({ dependency: name }, `readiness: ${name} is back up`);
        }
        return [name, failure ? { status: 'down', reason: failure.reason } : { status: 'up' }];
      }),
    );
    return readinessReport(current, Object.fromEntries(results));
  };
}

async function bounded(check: DependencyCheck, timeoutMs: number): Promise<{ reason: 'timeout' | 'error'; error: unknown } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check(timeoutMs).then(() => 'up' as const), timedOut]);
    return outcome === 'timeout' ? { reason: 'timeout', error: new Error(`no answer within ${timeoutMs} ms`) } : undefined;
  } catch (error) {
    return { reason: isDeadline(error) ? 'timeout' : 'error', error };
  } finally {
    clearTimeout(timer);
  }
}

/** gRPC's DEADLINE_EXCEEDED (code 4) and the MongoDB driver's operation timeout are timeouts too. */
function isDeadline(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return code === 4 || name === 'MongoOperationTimeoutError';
}
