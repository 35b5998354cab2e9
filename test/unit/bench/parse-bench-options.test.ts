import { parseBenchOptions } from '../../../bench/parse-bench-options';

describe('parseBenchOptions(argv)', () => {
  test('defaults: every scenario, 10 s, 32 in flight, nothing pinned', () => {
    const options = parseBenchOptions([]);
    expect([...options.only]).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(options).toMatchObject({ duration: 10, connections: 32, e2eEvents: 200, keep: false, pinTemporal: false });
  });

  test('--pin-temporal and --only b,c', () => {
    const options = parseBenchOptions(['--pin-temporal', '--only', 'b,c']);
    expect(options.pinTemporal).toBe(true);
    expect([...options.only]).toEqual(['b', 'c']);
  });

  test('an unknown scenario or a count below 1 is refused, naming the option', () => {
    expect(() => parseBenchOptions(['--only', 'b,x'])).toThrow('--only: unknown scenario "x"');
    expect(() => parseBenchOptions(['--duration', '0'])).toThrow('--duration: expected a whole number >= 1, got "0"');
  });
});
