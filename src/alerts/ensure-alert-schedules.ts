import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { AlertRule } from './alert-rule';

export function backlogScheduleId(taskQueue: string, rule: string): string {
  return `${taskQueue}/alert-check/${rule}`;
}

/**
 * One Temporal Schedule per `backlog.high` rule, created or updated at every worker start, that
 * reads the task queue's backlog every `checkEvery` (workflows/check-backlog.ts). A schedule, not
 * a timer in each worker: one check per interval however many workers run. A rule removed from
 * the config loses its schedule. Returns the IDs in force.
 */
export async function ensureAlertSchedules(client: Client, taskQueue: string, rules: readonly AlertRule[]): Promise<string[]> {
  const ids: string[] = [];
  for (const rule of rules) {
    if (rule.on !== 'backlog.high') continue;
    const scheduleId = backlogScheduleId(taskQueue, rule.name);
    const every = rule.checkEveryMs ?? 60_000;
    const schedule = {
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow' as const, workflowType: 'checkBacklog', workflowId: scheduleId, taskQueue, args: [{ rule: rule.name }] },
      // A check still running when the next is due is enough; missed ones are not caught up.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(every, 10_000) },
    };
    try {
      await client.schedule.create({ scheduleId, ...schedule });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...schedule }));
    }
    ids.push(scheduleId);
  }
  // A rule taken out of the config loses its check (listed through visibility, so a schedule
  // created a moment ago by another worker may be missed, never wrongly deleted: it is wanted).
  const prefix = backlogScheduleId(taskQueue, '');
  for await (const schedule of client.schedule.list()) {
    if (schedule.scheduleId.startsWith(prefix) && !ids.includes(schedule.scheduleId)) {
      await client.schedule
        .getHandle(schedule.scheduleId)
        .delete()
        .catch((error: unknown) => {
          if (!(error instanceof ScheduleNotFoundError)) throw error;
        });
    }
  }
  return ids;
}
