import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The last `lines` lines of a log file, reading only its last `maxBytes`, or '' when there is
 * none. Whole lines only: a line the window starts inside of is left out, unless it is the only
 * one (a single line longer than the window is quoted cut rather than dropped).
 */
export function readLogTail(file: string, lines = 15, maxBytes = 16_384): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    // One byte more than is quoted, when there is more: the byte before the window says whether
    // the window starts on a line of its own or inside one.
    const length = Math.min(size, maxBytes + 1);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    let text = buffer.toString('utf8').trimEnd();
    if (length > maxBytes) {
      const firstBreak = text.indexOf('\n');
      text = firstBreak >= 0 ? text.slice(firstBreak + 1) : text.slice(1);
    }
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
