import { countFailures } from '../../../src/breaker/count-failures';

describe('countFailures(previous, attempts, withinMs, now)', () => {
  test('failures in a row are counted; a success clears those before it', () => {
    expect(countFailures([], [{ ok: false, at: 1 }, { ok: false, at: 2 }, { ok: false, at: 3 }], 1_000, 10)).toEqual([1, 2, 3]);
    expect(countFailures([1, 2], [{ ok: true, at: 3 }, { ok: false, at: 4 }], 1_000, 10)).toEqual([4]);
  });

  test('attempts reported out of order by several workers are taken in the order they ended', () => {
    expect(countFailures([], [{ ok: false, at: 5 }, { ok: true, at: 3 }, { ok: false, at: 1 }], 1_000, 10)).toEqual([5]);
  });

  test('failures older than the window fall out', () => {
    expect(countFailures([100, 900], [{ ok: false, at: 1_500 }], 1_000, 1_600)).toEqual([900, 1_500]);
  });
});
