import fc from 'fast-check';
import {
  DEFAULT_RESTART_POLICY as policy,
  INITIAL_RESTART_STATE,
  planRestart,
  type RestartState,
  type RunTimes,
} from '../../../src/stack/supervise/restart-policy';

/** A run that served for `healthyMs` after a 2 s start. */
const served = (healthyMs: number, startedAt = 0): RunTimes => ({ startedAt, readyAt: startedAt + 2_000, exitedAt: startedAt + 2_000 + healthyMs });
const neverReady = (ranMs = 500): RunTimes => ({ startedAt: 0, exitedAt: ranMs });

describe('planRestart', () => {
  test('the delay starts at 1 s and doubles to 30 s while the process keeps dying before a minute of health', () => {
    let state: RestartState = INITIAL_RESTART_STATE;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const decision = planRestart(state, served(20_000), policy);
      if (decision.kind !== 'restart') throw new Error('gave up on a process that served');
      delays.push(decision.delayMs);
      state = decision.state;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  test('a minute of health starts the backoff over; 59 s does not', () => {
    const deep: RestartState = { restartsInRow: 6, quickFailures: 0 };
    expect(planRestart(deep, served(60_000), policy)).toEqual({ kind: 'restart', delayMs: 1_000, state: { restartsInRow: 1, quickFailures: 0 } });
    expect(planRestart(deep, served(59_000), policy)).toMatchObject({ kind: 'restart', delayMs: 30_000 });
  });

  test('five failures at once in a row give up; a run that served in between resets the count', () => {
    let state: RestartState = INITIAL_RESTART_STATE;
    const kinds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const decision = planRestart(state, neverReady(), policy);
      kinds.push(decision.kind);
      state = decision.state;
    }
    expect(kinds).toEqual(['restart', 'restart', 'restart', 'restart', 'give-up']);
    expect(state.quickFailures).toBe(5);

    const four: RestartState = { restartsInRow: 4, quickFailures: 4 };
    expect(planRestart(four, served(15_000), policy)).toMatchObject({ kind: 'restart', state: { quickFailures: 0 } });
  });

  test('a run that became ready but ended within 10 s of its start failed at once; one that never served failed however long it took', () => {
    const justReady = { startedAt: 0, readyAt: 3_000, exitedAt: 9_999 };
    expect(planRestart(INITIAL_RESTART_STATE, justReady, policy).state.quickFailures).toBe(1);
    expect(planRestart(INITIAL_RESTART_STATE, { startedAt: 0, readyAt: 3_000, exitedAt: 10_000 }, policy).state.quickFailures).toBe(0);
    expect(planRestart(INITIAL_RESTART_STATE, neverReady(50_000), policy).state.quickFailures).toBe(1);
  });

  test('any history: the delay stays within 1-30 s, and the stack gives up exactly at the fifth failure at once in a row', () => {
    const run = fc.record({ ranMs: fc.nat(200_000), readyAfterMs: fc.option(fc.nat(200_000), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(run, { maxLength: 40 }), (runs) => {
        let state: RestartState = INITIAL_RESTART_STATE;
        let quickInRow = 0;
        for (const { ranMs, readyAfterMs } of runs) {
          const readyAt = readyAfterMs !== undefined && readyAfterMs <= ranMs ? readyAfterMs : undefined;
          const times: RunTimes = { startedAt: 0, readyAt, exitedAt: ranMs };
          quickInRow = readyAt === undefined || ranMs < policy.quickFailureMs ? quickInRow + 1 : 0;
          const decision = planRestart(state, times, policy);
          if (quickInRow >= policy.maxQuickFailures) {
            expect(decision.kind).toBe('give-up');
            return;
          }
          if (decision.kind !== 'restart') throw new Error(`gave up after ${quickInRow} failures at once`);
          expect(decision.delayMs).toBeGreaterThanOrEqual(policy.initialDelayMs);
          expect(decision.delayMs).toBeLessThanOrEqual(policy.maxDelayMs);
          state = decision.state;
        }
      }),
    );
  });
});
