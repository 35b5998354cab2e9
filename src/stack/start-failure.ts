import { readLogTail } from './read-log-tail';

/** How many of a server's last log lines a start failure quotes. */
const QUOTED_LINES = 10;

/**
 * The error for a server that did not come up: the reason, where its log is, and the log's last
 * lines. The log usually sits in a temporary directory that is gone by the time anyone reads a CI
 * report, so the lines that say why (a bind conflict, a panic) travel with the error itself.
 */
export function startFailure(error: unknown, logFile: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  const tail = readLogTail(logFile, QUOTED_LINES);
  return new Error(`${reason}; see ${logFile}${tail ? `; it ends:\n${tail}` : ''}`);
}
