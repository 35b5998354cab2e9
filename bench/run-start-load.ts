import type { Client } from '@temporalio/client';
import type { HookflowConfig } from '../src/config/load-config';
import { eventMetadata } from '../src/temporal/event-metadata';
import { eventSearchAttributes } from '../src/temporal/event-search-attributes';
import { buildWorkflowInput } from './build-workflow-input';
import type { BenchEventType } from './signed-event';
import { summarizeLatencies, type LatencySummary } from './summarize-latencies';

export interface StartLoad {
  readonly client: Client;
  readonly config: HookflowConfig;
  readonly taskQueue: string;
  /** `processWebhook` for (b); the bare one-activity workflow for the (d) baseline. */
  readonly workflowType: string;
  readonly type: BenchEventType;
  readonly connections: number;
  /** How long to keep starting; ignored when `amount` is set. */
  readonly seconds?: number;
  /** A fixed number of starts instead of a duration. */
  readonly amount?: number;
  /** Gets every latency too, to pool several runs. */
  readonly samples?: number[];
}

export interface StartLoadResult {
  readonly startedAt: number;
  readonly seconds: number;
  readonly ok: number;
  readonly perSecond: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly latencyMs: LatencySummary;
}

/**
 * Closed-loop `client.workflow.start` calls: `connections` loops, each starting its next workflow
 * as soon as the last start returned, for `seconds` or `amount` starts. Each start is what the receiver makes for
 * an event (src/temporal/start-processing.ts): the same input, ID, reuse and conflict policies
 * search attributes and Temporal UI summary and details, on one client connection, minus HTTP, Koa and the receiver's checks.
 */
export async function runStartLoad(load: StartLoad): Promise<StartLoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const startedAt = Date.now();
  const stopAt = load.amount ? Infinity : startedAt + (load.seconds ?? 10) * 1000;
  let remaining = load.amount ?? Infinity;
  const url = 'http://127.0.0.1/webhooks/bench';
  await Promise.all(
    Array.from({ length: load.connections }, async () => {
      while (Date.now() < stopAt && remaining-- > 0) {
        const input = buildWorkflowInput(load.config, load.type, url);
        const began = performance.now();
        try {
          await load.client.workflow.start(load.workflowType, {
            taskQueue: load.taskQueue,
            workflowId: input.event.workflowId,
            args: [input],
            workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
            workflowIdConflictPolicy: 'FAIL',
            typedSearchAttributes: eventSearchAttributes(input.event),
            ...eventMetadata(input.event),
          });
          latencies.push(performance.now() - began);
          ok++;
        } catch (error) {
          errors++;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  const seconds = (Date.now() - startedAt) / 1000;
  load.samples?.push(...latencies);
  return {
    startedAt,
    seconds,
    ok,
    perSecond: Math.round((ok / seconds) * 10) / 10,
    errors,
    ...(firstError ? { firstError } : {}),
    latencyMs: summarizeLatencies(latencies),
  };
}
