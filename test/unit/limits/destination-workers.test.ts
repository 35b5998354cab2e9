import type { Worker } from '@temporalio/worker';
import { withDestinationWorkers } from '../../../src/limits/destination-workers';

type State = ReturnType<Worker['getState']>;

/** A stand-in for an SDK Worker: run() resolves on shutdown(), or rejects when told to fail. */
function fakeWorker() {
  let state: State = 'INITIALIZED';
  let end: (() => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const worker = {
    getState: () => state,
    run: () => {
      state = 'RUNNING';
      return new Promise<void>((resolve, reject) => {
        end = () => ((state = 'STOPPED'), resolve());
        fail = (error) => ((state = 'FAILED'), reject(error));
      });
    },
    shutdown: () => {
      if (state !== 'RUNNING') throw new Error(`shutdown() while ${state}`);
      state = 'STOPPING';
      end!();
    },
    crash: (error: Error) => fail!(error),
  };
  return worker;
}

const asWorker = (fake: ReturnType<typeof fakeWorker>) => fake as unknown as Worker;

describe('withDestinationWorkers', () => {
  test('without destination workers it is the main worker itself', () => {
    const main = asWorker(fakeWorker());
    expect(withDestinationWorkers(main, [])).toBe(main);
  });

  test('run() runs them all and shutdown() stops them all; run() resolves once all have stopped', async () => {
    const [main, a, b] = [fakeWorker(), fakeWorker(), fakeWorker()];
    const worker = withDestinationWorkers(asWorker(main), [asWorker(a), asWorker(b)]);
    const running = worker.run();
    expect([main, a, b].map((w) => w.getState())).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    worker.shutdown();
    await expect(running).resolves.toBeUndefined();
    expect([main, a, b].map((w) => w.getState())).toEqual(['STOPPED', 'STOPPED', 'STOPPED']);
  });

  test('the main worker stopping on its own (SIGTERM) stops the destination workers too', async () => {
    const [main, a] = [fakeWorker(), fakeWorker()];
    const running = withDestinationWorkers(asWorker(main), [asWorker(a)]).run();
    main.shutdown();
    await expect(running).resolves.toBeUndefined();
    expect(a.getState()).toBe('STOPPED');
  });

  test('a destination worker that fails stops the main worker, and run() rejects with its error', async () => {
    const [main, a, b] = [fakeWorker(), fakeWorker(), fakeWorker()];
    const running = withDestinationWorkers(asWorker(main), [asWorker(a), asWorker(b)]).run();
    a.crash(new Error('poll failed for good'));
    await expect(running).rejects.toThrow('poll failed for good');
    expect(main.getState()).toBe('STOPPED');
    expect(b.getState()).toBe('STOPPED');
  });

  test('the main worker failing is what run() rejects with, after the others stopped', async () => {
    const [main, a] = [fakeWorker(), fakeWorker()];
    const running = withDestinationWorkers(asWorker(main), [asWorker(a)]).run();
    main.crash(new Error('workflow bundle broken'));
    await expect(running).rejects.toThrow('workflow bundle broken');
    expect(a.getState()).toBe('STOPPED');
  });
});
