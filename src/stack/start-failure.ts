import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** How much of a server's log a start failure quotes. */
const QUOTED_BYTES = 2_048;

/**
 * The error for a server that did not come up: the reason, where its log is, and the log's last
 * lines. The log usually sits in a temporary directory that is gone by the time anyone reads a CI
 * report, so the lines that say why (a bind conflict, a panic) travel with the error itself.
 */
export function startFailure(error: unknown, logFile: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  const tail = readLogTail(logFile);
  return new Error(`${reason}; see ${logFile}${tail ? `; it ends:\n${tail}` : ''}`);
}

/** The last lines of `file` (at most `maxBytes`, whole lines only), or '' when it cannot be read. */
export function readLogTail(file: string, maxBytes = QUOTED_BYTES): string {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    // One byte more than is quoted, when there is more: the byte before the window says whether
    // the window starts on a line of its own or inside one.
    const length = Math.min(size, maxBytes + 1);
    const buffer = Buffer.alloc(length);
    fd = openSync(file, 'r');
    readSync(fd, buffer, 0, length, size - length);
    let text = buffer.toString('utf8');
    if (length > maxBytes) {
      const firstBreak = text.indexOf('\n');
      // A single line longer than the window is quoted cut rather than dropped.
      text = firstBreak >= 0 && firstBreak < text.length - 1 ? text.slice(firstBreak + 1) : text.slice(1);
    }
    return text.trimEnd();
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
