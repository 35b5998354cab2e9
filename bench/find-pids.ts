import { readdirSync, readFileSync } from 'node:fs';

/** Processes whose command line contains `needle`: how the stack's servers, started elsewhere, are found. */
export function findPids(needle: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return entries
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}
