import type { Client } from '@temporalio/client';
import type { Logger } from '../logging/logger';
import type { SignatureFailureCounter } from '../receiver/signature-failures';
import type { AlertRule } from './alert-rule';
import { anyRule, reportAlert } from './report-alert';

/** How often a receiver tells the signatures.failing conditions what it counted. */
export const SIGNATURE_FLUSH_MS = 5_000;

export interface SignatureAlertFeed {
  /** Report what is left, then stop. */
  stop(): Promise<void>;
}

/**
 * The receiver's side of `signatures.failing`: the ack path only increments the in-process
 * counter it already keeps (src/receiver/signature-failures.ts); every `everyMs` this reports
 * each source's new 401s, one signal per source and rule, off the request path. A receiver
 * that dies loses at most that interval's count; every receiver reports its own, and the
 * condition's workflow adds them up.
 */
export function startSignatureAlertFeed(deps: {
  counter: SignatureFailureCounter;
  client: Client;
  taskQueue: string;
  rules: readonly AlertRule[];
  logger: Logger;
  everyMs?: number;
}): SignatureAlertFeed {
  const reported = new Map<string, number>();
  const totals = () => {
    const bySource = new Map<string, number>();
    for (const { source, count } of deps.counter.snapshot()) bySource.set(source, (bySource.get(source) ?? 0) + count);
    return bySource;
  };
  // What was counted before the feed started is not news.
  for (const [source, count] of totals()) reported.set(source, count);
  let flushing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const at = Date.now();
    for (const [source, count] of totals()) {
      const fresh = count - (reported.get(source) ?? 0);
      if (fresh <= 0 || !anyRule(deps.rules, 'signatures.failing', source)) continue;
      try {
        await reportAlert({ client: deps.client, taskQueue: deps.taskQueue, rules: deps.rules }, 'signatures.failing', source, { kind: 'count', at, failed: fresh });
        reported.set(source, count);
      } catch (error) {
        // Kept for the next flush: the count is reported late rather than never.
        deps.logger.warn({ err: error, source }, 'could not report signature failures to their alert rules');
      }
    }
  };
  const active = deps.rules.some((rule) => rule.on === 'signatures.failing');
  const timer = active ? setInterval(() => void (flushing = flushing.then(flush)), deps.everyMs ?? SIGNATURE_FLUSH_MS) : undefined;
  timer?.unref();
  return {
    async stop() {
      clearInterval(timer);
      if (active) await (flushing = flushing.then(flush));
    },
  };
}
