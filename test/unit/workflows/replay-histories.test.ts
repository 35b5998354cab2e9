import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { quietRuntime } from '../../harness/quiet-runtime';
import { testEnv } from '../../harness/test-env';

/**
 * Histories recorded by released code (test/fixtures/histories/README.md), replayed by this
 * code: a worker upgraded while runs are in flight replays each run's history, and any change
 * that makes a workflow decide differently from what its history says fails those runs with a
 * nondeterminism error. Such a change goes behind `patched()`.
 */
const DIR = path.resolve(__dirname, '../../fixtures/histories');
const FILES = readdirSync(DIR, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.json'))
  .sort();

/** A recorded run: its workflow ID (the code may read it: a permit's token holds it) and history. */
const read = (file: string): { workflowId: string; history: any } => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
// The bundle global setup builds from workflows/ with the interceptor modules, as a worker runs.
const options = (): ReplayWorkerOptions => ({ workflowBundle: { codePath: testEnv('bundlePath') } });

// A failed replay is the test's own verdict; the SDK need not log it as well.
beforeAll(quietRuntime);

describe('recorded histories', () => {
  const recorded = FILES.map(read);
  const results = new Map<string, string | undefined>();
  beforeAll(async () => {
    const replayed = Worker.runReplayHistories(options(), recorded);
    // Answered one at a time, in the order given.
    for (const file of FILES) {
      const { value, done } = await replayed.next();
      if (done) break;
      results.set(file, value.error === undefined ? undefined : String(value.error));
    }
  }, 120_000);

  test('cover every workflow a worker runs', () => {
    // A new workflow needs a history recorded before its release (the folder's README).
    const exported = Object.entries(require('../../../workflows') as Record<string, unknown>)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    const types = new Set(recorded.map(({ history }) => history.events[0].workflowExecutionStartedEventAttributes.workflowType.name));
    expect([...types].sort()).toEqual(exported.sort());
    expect(results.size).toBe(FILES.length);
  });

  test.each(FILES)('%s replays on this code', (file) => {
    expect(results.has(file)).toBe(true);
    expect(results.get(file)).toBeUndefined();
  });
});

test('a history this code would not have made fails: the stale report of a run from before window-at-receipt, made fresh', async () => {
  const { workflowId, history } = read('alert-condition/stale-report-before-window-at-receipt.json');
  const signaled = history.events.find((event: any) => event.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
  const taskStarted = history.events.find((event: any) => event.eventType === 'EVENT_TYPE_WORKFLOW_TASK_STARTED');
  const payload = signaled.workflowExecutionSignaledEventAttributes.input.payloads[0];
  const observation = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
  // Recorded a minute old, the report never opened the alert and the run ended at once. Made at
  // the workflow task's time, it opens one: the code now sends an alert the history never had.
  payload.data = Buffer.from(JSON.stringify({ ...observation, at: Date.parse(taskStarted.eventTime) })).toString('base64');
  await expect(Worker.runReplayHistory(options(), history, workflowId)).rejects.toThrow(/nondetermin/i);
});
