import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

export type Scenario = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';
const SCENARIOS: readonly Scenario[] = ['a', 'b', 'c', 'd', 'e', 'f'];

export interface BenchOptions {
  /** Measured seconds of each closed-loop load: (a), and (b) and (c) each. */
  readonly duration: number;
  /** Concurrent requests (HTTP connections, or start calls in flight) for every scenario. */
  readonly connections: number;
  /** Events of each end-to-end batch of (d) and (e), timed from the first request to the last completion. */
  readonly e2eEvents: number;
  readonly only: ReadonlySet<Scenario>;
  /** Where the run's temp dir goes: the servers' data, so its disk is under test too. */
  readonly dataDir: string;
  readonly out: string;
  /** Keep the temp dir (server and process logs, worker /metrics) instead of deleting it. */
  readonly keep: boolean;
  /** Temporal on a core of its own, everything else on the rest (bench/pin-temporal.ts). */
  readonly pinTemporal: boolean;
  readonly help: boolean;
}

export const USAGE = `npm run bench -- [options]

  --duration S          measured seconds of (a), and of (b) and (c) each       default 10
  --connections N       concurrency of every scenario                          default 32
  --e2e-events N        events per end-to-end batch of (d), (e) and (f)        default 200
  --only LIST           scenarios to run, e.g. c,d                             default a,b,c,d,e,f
  --data-dir DIR        where the temp dir with the servers' data goes         default the OS temp dir
                        (/dev/shm takes the disk's fsyncs out of the figures)
  --out FILE            where the JSON goes                                    default bench/results/latest.json
  --keep                keep the temp dir: server and process logs, worker /metrics
  --pin-temporal        the Temporal dev server on core 0, every other process on the rest
                        (needs taskset; shows c/b without the servers sharing Temporal's cores)`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      'e2e-events': { type: 'string' },
      only: { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'pin-temporal': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const whole = (name: 'duration' | 'connections' | 'e2e-events', fallback: number): number => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a whole number >= 1, got ${JSON.stringify(text)}`);
    return value;
  };
  const only = (values.only ?? SCENARIOS.join(',')).split(',').map((s) => s.trim().toLowerCase());
  for (const s of only) if (!SCENARIOS.includes(s as Scenario)) throw new Error(`--only: unknown scenario ${JSON.stringify(s)}`);
  return {
    duration: whole('duration', 10),
    connections: whole('connections', 32),
    e2eEvents: whole('e2e-events', 200),
    only: new Set(only as Scenario[]),
    dataDir: path.resolve(values['data-dir'] ?? os.tmpdir()),
    out: path.resolve(values.out ?? path.join(__dirname, 'results', 'latest.json')),
    keep: values.keep,
    pinTemporal: values['pin-temporal'],
    help: values.help,
  };
}
