import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLogTail } from '../../../src/stack/read-log-tail';
import { startFailure } from '../../../src/stack/start-failure';

describe('startFailure(error, logFile) and the readLogTail it quotes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'start-failure-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the reason, the log file and its end', () => {
    const log = path.join(dir, 'temporal.log');
    writeFileSync(log, 'starting\npanic: runtime error: invalid memory address\n');
    expect(startFailure(new Error('Temporal at 127.0.0.1:7233: gave up, the process exited (2)'), log).message).toBe(
      `Temporal at 127.0.0.1:7233: gave up, the process exited (2); see ${log}; it ends:\nstarting\npanic: runtime error: invalid memory address`,
    );
  });

  test('no log (never written, or already removed): the reason and where it would have been', () => {
    const log = path.join(dir, 'missing.log');
    expect(startFailure(new Error('not ready after 60000 ms'), log).message).toBe(`not ready after 60000 ms; see ${log}`);
  });

  test('readLogTail: a long log gives only whole lines from its last bytes, at most `lines` of them', () => {
    const log = path.join(dir, 'long.log');
    writeFileSync(log, `${Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n')}\n`);
    // Five lines of 9 bytes each are 45: a window of 45 holds them exactly, one of 44 cuts the first.
    expect(readLogTail(log, 15, 45).split('\n')).toEqual(['line 495', 'line 496', 'line 497', 'line 498', 'line 499']);
    expect(readLogTail(log, 15, 44).split('\n')).toEqual(['line 496', 'line 497', 'line 498', 'line 499']);
    expect(readLogTail(log, 3).split('\n')).toEqual(['line 497', 'line 498', 'line 499']);
  });

  test('readLogTail: a single line longer than the window is quoted cut rather than dropped', () => {
    const log = path.join(dir, 'one.log');
    writeFileSync(log, 'x'.repeat(100));
    expect(readLogTail(log, 15, 10)).toBe('x'.repeat(10));
  });
});
