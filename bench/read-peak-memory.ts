import { readFileSync } from 'node:fs';

export interface PeakMemory {
  /** VmHWM: the highest resident set size the process has had, in MB. */
  readonly peakRssMb: number;
  /** VmRSS: its resident set size now, in MB. */
  readonly rssMb: number;
}

/**
 * Read from /proc/<pid>/status while the process is alive: the kernel's own high-water mark
 * catches peaks that sampling RSS would miss. Undefined where /proc is not there (macOS).
 */
export function readPeakMemory(pid: number): PeakMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakRssMb: round(kb('VmHWM') / 1024), rssMb: round(kb('VmRSS') / 1024) };
}

function round(mb: number): number {
  return Math.round(mb * 10) / 10;
}
