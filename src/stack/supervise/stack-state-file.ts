import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What `hookflow start` tells its receiver about the processes it supervises. */
export interface StackState {
  /** Restarts per process (`receiver`, `worker-1`, `temporal`, `ferretdb`, `postgres`, `mongod`) since the stack began. */
  readonly restarts: Readonly<Record<string, number>>;
  /** The processes not serving right now: exited and waiting for their restart, starting again, or given up on. */
  readonly down: readonly string[];
}

const EMPTY: StackState = { restarts: {}, down: [] };

/**
 * How the stack tells its receiver what it restarted and what is down: a small JSON file the
 * stack rewrites on each change and the receiver reads at each scrape and probe. A file survives
 * the receiver's own restarts, which counts held in the receiver's memory would not. Written to a
 * temporary name and renamed, so a reader never sees half a file.
 */
export function writeStackState(file: string, state: StackState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  renameSync(temporary, file);
}

/** The state in `file`; nothing restarted and nothing down when it is missing or malformed. */
export function readStackState(file: string): StackState {
  let parsed: { restarts?: unknown; down?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch {
    return EMPTY;
  }
  if (typeof parsed !== 'object' || parsed === null) return EMPTY;
  const restarts =
    typeof parsed.restarts === 'object' && parsed.restarts !== null && !Array.isArray(parsed.restarts)
      ? Object.fromEntries(
          Object.entries(parsed.restarts).filter((entry): entry is [string, number] => Number.isInteger(entry[1]) && (entry[1] as number) >= 0),
        )
      : {};
  const down = Array.isArray(parsed.down) ? parsed.down.filter((name): name is string => typeof name === 'string') : [];
  return { restarts, down };
}
