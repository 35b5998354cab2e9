import fc from 'fast-check';
import { createTokenBucket } from '../../../src/receiver/token-bucket';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const allowed = { allowed: true };

describe('createTokenBucket', () => {
  test('take() allows `burst` requests at once, then refuses', () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 3 }, clock.now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([allowed, allowed, allowed]);
    expect(bucket.take()).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  test('take() refills at ratePerSecond: one token per second at 1/s', () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 1 }, clock.now);
    expect(bucket.take()).toEqual(allowed);
    clock.advance(999);
    expect(bucket.take().allowed).toBe(false);
    clock.advance(1);
    expect(bucket.take()).toEqual(allowed);
    expect(bucket.take().allowed).toBe(false);
  });

  test('take() never holds more than burst tokens after a long idle time', () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 2 }, clock.now);
    bucket.take();
    bucket.take();
    clock.advance(3_600_000);
    expect([bucket.take(), bucket.take()]).toEqual([allowed, allowed]);
    expect(bucket.take().allowed).toBe(false);
  });

  test.each([
    // [ratePerSecond, ms since the bucket emptied, expected Retry-After]
    [1, 0, 1],
    [1, 500, 1], // half a second left rounds up to 1, never 0
    [0.25, 0, 4],
    [0.25, 1_000, 3], // 0.25 token refilled; 0.75 more takes 3 s
    [0.3, 0, 4], // 3.33 s rounds up
    [100, 0, 1],
  ])('at %s/s, %s ms after emptying, Retry-After is %s', (ratePerSecond, waited, expected) => {
    const clock = manualClock();
    const bucket = createTokenBucket({ ratePerSecond, burst: 1 }, clock.now);
    expect(bucket.take()).toEqual(allowed);
    clock.advance(waited);
    expect(bucket.take()).toEqual({ allowed: false, retryAfterSeconds: expected });
  });

  test('take() does not refill when the clock goes backwards', () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 1 }, clock.now);
    bucket.take();
    clock.advance(-5_000);
    expect(bucket.take().allowed).toBe(false);
    clock.advance(1_000);
    expect(bucket.take()).toEqual(allowed);
  });

  test('a client that waits the Retry-After it was given always gets a token', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1_000, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 20 }),
        (ratePerSecond, burst, gaps) => {
          const clock = manualClock();
          const bucket = createTokenBucket({ ratePerSecond, burst }, clock.now);
          for (const gap of gaps) {
            clock.advance(gap);
            bucket.take();
          }
          let refused;
          while ((refused = bucket.take()).allowed);
          expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          clock.advance(refused.retryAfterSeconds * 1_000);
          expect(bucket.take()).toEqual(allowed);
        },
      ),
    );
  });
});
