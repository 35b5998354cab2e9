import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `lines` lines of a log file (reading only its end), or '' when there is none. */
export function readLogTail(file: string, lines = 15, maxBytes = 16_384): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
