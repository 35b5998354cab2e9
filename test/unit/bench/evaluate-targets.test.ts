import type { DRound } from '../../../bench/bench-results';
import { evaluateTargets } from '../../../bench/evaluate-targets';

const completion = (completed: number, seconds: number) => ({ completed, seconds, perSecond: completed / seconds, latencyMs: { p50: 0, p99: 0 } });

function round(hookflow: [number, number], bare: [number, number]): DRound {
  return {
    hookflow: { succeeded: completion(...hookflow), closed: completion(...hookflow), memory: { workers: [] } },
    bare: { closed: completion(...bare) },
  } as unknown as DRound;
}

describe('evaluateTargets: (d) in two rounds', () => {
  test('the ratio pools both rounds (all events over all seconds), and each round is shown too', () => {
    // Round 1: 200 in 5 s against 200 in 4 s (0.8); round 2: 200 in 10 s against 200 in 5 s (0.5).
    const rows = evaluateTargets({ d: [round([200, 5], [200, 4]), round([200, 10], [200, 5])] });
    const value = (figure: string) => rows.find((row) => row.figure === figure)?.value;
    expect(value('d/baseline (to succeeded)')).toBeCloseTo(400 / 15 / (400 / 9), 3);
    expect(rows.find((row) => row.figure === 'd/baseline (to succeeded)')).toMatchObject({ target: { op: '>=', bound: 0.8 }, met: false });
    expect(value('d/baseline, round 1')).toBe(0.8);
    expect(value('d/baseline, round 2')).toBe(0.5);
  });

  test('one round: its own ratio, no round rows', () => {
    const rows = evaluateTargets({ d: [round([200, 5], [200, 5])] });
    expect(rows.find((row) => row.figure === 'd/baseline (to succeeded)')).toMatchObject({ value: 1, met: true });
    expect(rows.some((row) => row.figure.startsWith('d/baseline, round'))).toBe(false);
  });
});
