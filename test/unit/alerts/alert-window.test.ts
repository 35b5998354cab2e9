import { addToWindow, judgeWindow, nextExpiry, trimWindow, type Bucket } from '../../../src/alerts/alert-window';

const count = { mode: 'count' as const, threshold: 3, rate: 0.5, minAttempts: 1 };
const rate = { mode: 'rate' as const, threshold: 1, rate: 0.5, minAttempts: 4 };

describe('alert windows', () => {
  test('a storm of 10 000 occurrences is kept in at most 21 slices of the window', () => {
    let buckets: Bucket[] = [];
    for (let i = 0; i < 10_000; i++) buckets = addToWindow(buckets, 60_000, 1_000_000 + i * 6, 1, 1);
    expect(buckets.length).toBeLessThanOrEqual(21);
    expect(judgeWindow(count, buckets, false)).toEqual({ firing: true, failed: 10_000, total: 10_000 });
  });

  test('count: firing at the threshold within the window, clear once the occurrences leave it', () => {
    let buckets = addToWindow([], 10_000, 1_000, 2, 2);
    expect(judgeWindow(count, buckets, false).firing).toBe(false);
    buckets = addToWindow(buckets, 10_000, 5_000, 1, 1);
    expect(judgeWindow(count, buckets, false).firing).toBe(true);
    // The first slice (1 000..1 500) leaves the window at 11 500.
    expect(nextExpiry(buckets, 10_000)).toBe(11_500);
    expect(judgeWindow(count, trimWindow(buckets, 10_000, 11_499), true).firing).toBe(true);
    expect(judgeWindow(count, trimWindow(buckets, 10_000, 11_500), true)).toEqual({ firing: false, failed: 1, total: 1 });
    expect(trimWindow(buckets, 10_000, 16_000)).toEqual([]);
  });

  test('rate: opens only with minAttempts made, clears below the rate or with no attempt left', () => {
    const failures = addToWindow([], 60_000, 0, 3, 3);
    expect(judgeWindow(rate, failures, false).firing).toBe(false);
    const four = addToWindow(failures, 60_000, 10, 0, 1);
    expect(judgeWindow(rate, four, false)).toEqual({ firing: true, failed: 3, total: 4 });
    expect(judgeWindow(rate, addToWindow(four, 60_000, 20, 0, 3), true)).toEqual({ firing: false, failed: 3, total: 7 });
    expect(judgeWindow(rate, [], true).firing).toBe(false);
  });

  test('rate with a resolveRate: an open alert holds while the share stays at or above it, and clears below it', () => {
    const banded = { ...rate, resolveRate: 0.4 };
    const opened = [{ at: 0, failed: 3, total: 4 }];
    expect(judgeWindow(banded, opened, false).firing).toBe(true);
    // 3 of 7 (0.43): under the rate, not under resolveRate: still firing, where without the band it clears.
    const hovering = addToWindow(opened, 60_000, 20, 0, 3);
    expect(judgeWindow(banded, hovering, true)).toEqual({ firing: true, failed: 3, total: 7 });
    expect(judgeWindow(rate, hovering, true).firing).toBe(false);
    // Nor does it open again at that share once closed: opening still asks for the rate.
    expect(judgeWindow(banded, hovering, false).firing).toBe(false);
    expect(judgeWindow(banded, addToWindow(hovering, 60_000, 30, 0, 1), true).firing).toBe(false); // 3 of 8
  });
});
