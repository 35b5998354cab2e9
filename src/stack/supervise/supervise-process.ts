import {
  DEFAULT_RESTART_POLICY,
  INITIAL_RESTART_STATE,
  planRestart,
  type RestartPolicy,
  type RestartState,
  type RunTimes,
} from './restart-policy';

/** One run of a supervised process. */
export interface Launched {
  readonly pid?: number;
  /** The exit code, or the signal's name, once it has ended. */
  readonly exited: Promise<number | string>;
  /** Resolves once it serves; rejects if it never will (it is then stopped, and that is its exit). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
  /** The end of its output, when the supervisor holds it (hookflow's own processes). */
  lastLines?(): string;
}

export type SupervisedState = 'starting' | 'up' | 'restarting' | 'failed' | 'stopped';

/** A process that failed at once too many times in a row: what the stack prints before it stops. */
export interface GaveUp {
  readonly name: string;
  readonly failures: number;
  readonly lastExit: string;
  readonly lastLines: string;
  readonly fix: string;
}

export interface SuperviseOptions {
  /** For people (`worker 1`, `FerretDB`). */
  readonly name: string;
  /** The metric's `process` label (`worker-1`, `ferretdb`). */
  readonly id: string;
  /** Start it again on the same port and data; rejecting means it failed at once. */
  readonly launch: () => Promise<Launched>;
  /** The run already started (servers start before they are supervised); else launch() is called. */
  readonly initial?: Launched;
  /** Where its last lines are when no run holds them (a server's log file). */
  readonly lastLines?: () => string;
  /** What to do when it keeps failing: printed with its last lines. */
  readonly fix: string;
  readonly log: (line: string) => void;
  /** Its state or restart count changed. */
  readonly onChange?: (process: SupervisedProcess) => void;
  /** A restarted run serves again. */
  readonly onBack?: (process: SupervisedProcess) => void;
  readonly onGiveUp: (gaveUp: GaveUp) => void;
  readonly policy?: RestartPolicy;
  readonly now?: () => number;
}

export interface SupervisedProcess {
  readonly name: string;
  readonly id: string;
  readonly restarts: number;
  readonly pid: number | undefined;
  readonly state: SupervisedState;
  /** Resolves the first time it serves; rejects if the supervisor gives up first. */
  readonly firstReady: Promise<void>;
  /** No more restarts (the stack is stopping); what runs keeps running until stop(). */
  halt(): void;
  /** Halt, cancel a pending restart and stop the current run. */
  stop(): Promise<void>;
}

/**
 * Keep one process running: when it exits unexpectedly, log how and start it again after the
 * policy's backoff; after too many failures at once in a row, give up and report why.
 */
export function superviseProcess(options: SuperviseOptions): SupervisedProcess {
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const now = options.now ?? Date.now;
  let restartState: RestartState = INITIAL_RESTART_STATE;
  let state: SupervisedState = 'starting';
  let current: Launched | undefined;
  let launching: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let halted = false;
  let restarts = 0;
  let lastLines = options.lastLines ?? (() => '');
  let markReady!: () => void;
  let markFailed!: (error: Error) => void;
  const firstReady = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  firstReady.catch(() => undefined); // the stack learns of it through onGiveUp as well

  const supervised: SupervisedProcess = {
    name: options.name,
    id: options.id,
    get restarts() {
      return restarts;
    },
    get pid() {
      return current?.pid;
    },
    get state() {
      return state;
    },
    firstReady,
    halt() {
      halted = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    async stop() {
      supervised.halt();
      await launching;
      await current?.stop();
      state = 'stopped';
    },
  };

  const watch = (run: Launched, startedAt: number) => {
    current = run;
    if (run.lastLines) lastLines = () => run.lastLines!();
    let readyAt: number | undefined;
    run.ready.then(
      () => {
        if (current !== run || halted) return;
        readyAt = now();
        state = 'up';
        options.onChange?.(supervised);
        markReady();
        if (restarts === 0) return;
        options.log(`${options.name} is back (pid ${run.pid ?? '?'}), ${restarts} restart${restarts === 1 ? '' : 's'} so far`);
        options.onBack?.(supervised);
      },
      // Never going to serve: stop it, and its exit is handled below as a failure at once.
      () => void run.stop(),
    );
    void run.exited.then((how) => {
      if (halted || current !== run) return;
      onExit(describeExit(how), { startedAt, readyAt, exitedAt: now() });
    });
  };

  const onExit = (how: string, run: RunTimes) => {
    current = undefined;
    const decision = planRestart(restartState, run, policy);
    restartState = decision.state;
    const ran = `${((run.exitedAt - run.startedAt) / 1000).toFixed(1)} s`;
    if (decision.kind === 'give-up') {
      state = 'failed';
      options.onChange?.(supervised);
      const failures = decision.state.quickFailures;
      options.log(`${options.name} exited (${how}) after ${ran}: failed at once ${failures} times in a row, not starting it again`);
      const gaveUp: GaveUp = { name: options.name, failures, lastExit: how, lastLines: lastLines(), fix: options.fix };
      markFailed(new Error(`${options.name} failed at once ${failures} times in a row (${how})`));
      options.onGiveUp(gaveUp);
      return;
    }
    state = 'restarting';
    options.onChange?.(supervised);
    options.log(`${options.name} exited (${how}) after ${ran}; starting it again in ${decision.delayMs / 1000} s`);
    timer = setTimeout(() => {
      timer = undefined;
      launching = relaunch().finally(() => (launching = undefined));
    }, decision.delayMs);
  };

  const relaunch = async () => {
    if (halted) return;
    restarts++;
    options.onChange?.(supervised);
    const startedAt = now();
    try {
      const run = await options.launch();
      if (halted) await run.stop();
      else watch(run, startedAt);
    } catch (error) {
      if (!halted) onExit(`did not start: ${firstLine(error)}`, { startedAt, exitedAt: now() });
    }
  };

  if (options.initial) watch(options.initial, now());
  else {
    const startedAt = now();
    launching = options
      .launch()
      .then(
        (run) => watch(run, startedAt),
        (error) => onExit(`did not start: ${firstLine(error)}`, { startedAt, exitedAt: now() }),
      )
      .finally(() => (launching = undefined));
  }
  return supervised;
}

/** `exit code 1`, `signal SIGKILL`, or the spawn error's message. */
export function describeExit(how: number | string): string {
  if (typeof how === 'number') return `exit code ${how}`;
  return /^SIG[A-Z0-9]+$/.test(how) ? `signal ${how}` : how;
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0].slice(0, 300);
}
