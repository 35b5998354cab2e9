import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import type { HookflowConfig } from '../config/load-config';

/** Schedule IDs are per task queue, so deployments sharing a namespace keep their own. */
export function purgeScheduleId(taskQueue: string): string {
  return `${taskQueue}/purge`;
}

export function reconcileScheduleId(taskQueue: string, source: string): string {
  return `${taskQueue}/reconcile/${source}`;
}

type Wanted = Pick<ScheduleOptions, 'spec' | 'action' | 'policies'>;

/**
 * Create or update hookflow's Temporal Schedules (visible in the UI under Schedules) from the
 * config, at every worker start: the retention purge, and one reconciliation per source with
 * `reconcile.every`. A source whose schedule was removed from the config loses it. Returns the
 * IDs in force. Several workers starting at once race harmlessly: the loser updates.
 */
export async function ensureSchedules(client: Client, config: HookflowConfig): Promise<string[]> {
  const { taskQueue } = config.temporal;
  const { days, keepRecordDays, batchSize, every } = config.retention;
  const wanted = new Map<string, Wanted>();
  wanted.set(purgeScheduleId(taskQueue), {
    spec: { intervals: [{ every }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'purgeEvents',
      workflowId: purgeScheduleId(taskQueue),
      taskQueue,
      args: [{ days, keepRecordDays, batchSize }],
    },
    // A purge still running when the next is due is enough; a missed one is caught up once.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: every },
  });
  for (const source of config.sources.values()) {
    const settings = source.reconcile;
    const id = reconcileScheduleId(taskQueue, source.name);
    if (!settings?.everyMs) {
      await client.schedule
        .getHandle(id)
        .delete()
        .catch((error: unknown) => {
          if (!(error instanceof ScheduleNotFoundError)) throw error;
        });
      continue;
    }
    wanted.set(id, {
      spec: { intervals: [{ every: settings.everyMs }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'reconcileEvents',
        workflowId: id,
        taskQueue,
        args: [{ source: source.name, lookbackMs: settings.lookbackMs }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: settings.everyMs },
    });
  }
  for (const [scheduleId, schedule] of wanted) {
    try {
      await client.schedule.create({ scheduleId, ...schedule });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...schedule }));
    }
  }
  return [...wanted.keys()];
}
