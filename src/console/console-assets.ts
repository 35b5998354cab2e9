import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONSOLE_BUNDLE_DIR, CONSOLE_FILES, ensureConsoleBundle } from './build-console';

export type ConsoleFile = (typeof CONSOLE_FILES)[number];

export interface ConsoleAssets {
  /** The file's bytes, building the bundle first if it is missing or stale. */
  read(name: ConsoleFile): Promise<Buffer>;
}

/**
 * The bundle, checked and read once per admin server: a clone that skipped `npm install`'s
 * build (or edited the front end since) still serves a current console.
 */
export function createConsoleAssets(log: (line: string) => void, dir = CONSOLE_BUNDLE_DIR): ConsoleAssets {
  let loaded: Promise<Map<ConsoleFile, Buffer>> | undefined;
  const load = async () => {
    await ensureConsoleBundle(log, dir);
    return new Map(await Promise.all(CONSOLE_FILES.map(async (name) => [name, await readFile(path.join(dir, name))] as const)));
  };
  return {
    async read(name) {
      loaded ??= load().catch((error) => {
        loaded = undefined; // try again on the next request
        throw error;
      });
      return (await loaded).get(name)!;
    },
  };
}
