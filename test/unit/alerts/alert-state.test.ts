import { applyObservation, EMPTY_ALERT_STATE } from '../../../src/alerts/alert-state';
import { judgeWindow, trimWindow } from '../../../src/alerts/alert-window';

const input = { windowMs: 60_000 };

describe('applyObservation(state, observation)', () => {
  test('a failed event reported twice (a retried write) is counted once', () => {
    const first = applyObservation(EMPTY_ALERT_STATE, { kind: 'count', at: 1_000, failed: 1, ids: ['demo:evt_1'], detail: 'demo:evt_1: boom' }, input, 1_000);
    expect(first.occurred).toBe(1);
    const again = applyObservation(first.state, { kind: 'count', at: 1_200, failed: 1, ids: ['demo:evt_1'], detail: 'demo:evt_1: boom' }, input, 1_200);
    expect(again.occurred).toBe(0);
    expect(again.state).toBe(first.state);
    expect(first.state.detail).toBe('demo:evt_1: boom');
  });

  test('a rate report adds its failures and its attempts; a success keeps the last failure as the detail', () => {
    const failed = applyObservation(EMPTY_ALERT_STATE, { kind: 'count', at: 0, failed: 1, total: 1, detail: 'HTTP 503' }, input, 0).state;
    const ok = applyObservation(failed, { kind: 'count', at: 10, failed: 0, total: 1 }, input, 10);
    expect(ok.occurred).toBe(0);
    expect(ok.state.buckets).toEqual([{ at: 0, failed: 1, total: 2 }]);
    expect(ok.state.detail).toBe('HTTP 503');
  });

  test('a state report replaces the last one; only a firing report is an occurrence', () => {
    const firing = applyObservation(EMPTY_ALERT_STATE, { kind: 'state', at: 0, firing: true, value: 12, detail: 'paused' }, input, 0);
    expect(firing).toEqual({ state: { ...EMPTY_ALERT_STATE, reported: { firing: true, value: 12 }, detail: 'paused' }, occurred: 1 });
    const clear = applyObservation(firing.state, { kind: 'state', at: 1, firing: false, detail: 'resumed' }, input, 1);
    expect(clear).toEqual({ state: { ...EMPTY_ALERT_STATE, reported: { firing: false }, detail: 'resumed' }, occurred: 0 });
  });

  test('occurrences enter the window when they are received, not when they were reported: a lagging condition still counts them', () => {
    const late = applyObservation(EMPTY_ALERT_STATE, { kind: 'count', at: 0, failed: 3 }, input, 600_000);
    expect(late.occurred).toBe(3);
    expect(late.state.buckets).toEqual([{ at: 600_000, failed: 3, total: 3 }]);
    expect(judgeWindow({ mode: 'count', threshold: 3, rate: 0, minAttempts: 0 }, trimWindow(late.state.buckets, input.windowMs, 600_000), false).firing).toBe(true);
  });

  test('the remembered IDs are bounded', () => {
    let state = EMPTY_ALERT_STATE;
    for (let i = 0; i < 2_000; i++) state = applyObservation(state, { kind: 'count', at: i, failed: 1, ids: [`demo:evt_${i}`] }, input, i).state;
    expect(state.recentIds).toHaveLength(500);
    expect(state.recentIds.at(-1)).toBe('demo:evt_1999');
  });
});
