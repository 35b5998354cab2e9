import { createPacer } from '../../../src/admin/pacer';

/** A fake clock whose sleep advances time, recording each wait. */
function fakeTime() {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('createPacer(ratePerSecond, now, sleep)', () => {
  test('the first start goes at once, the next ones 1/rate apart', async () => {
    const time = fakeTime();
    const pacer = createPacer(20, time.now, time.sleep);
    for (let i = 0; i < 4; i++) await pacer.wait();
    expect(time.sleeps).toEqual([50, 50, 50]);
  });

  test('time spent between starts counts: no wait when the interval has already passed', async () => {
    const time = fakeTime();
    const pacer = createPacer(10, time.now, time.sleep);
    await pacer.wait();
    time.advance(30);
    await pacer.wait();
    time.advance(500);
    await pacer.wait();
    expect(time.sleeps).toEqual([70]);
  });

  test('after an idle spell it does not burst to catch up', async () => {
    const time = fakeTime();
    const pacer = createPacer(10, time.now, time.sleep);
    await pacer.wait();
    time.advance(10_000);
    await pacer.wait();
    await pacer.wait();
    await pacer.wait();
    expect(time.sleeps).toEqual([100, 100]);
  });

  test('a rate of zero or less is a programmer error', () => {
    expect(() => createPacer(0)).toThrow('ratePerSecond must be positive');
  });
});
