import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second, as /proc reports times in (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A process's /proc stat fields after the command name, or undefined when it is gone. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * User plus system CPU seconds a live process and its descendants have used so far; undefined
 * without /proc. The descendants matter for PostgreSQL, whose work is done in one backend
 * process per connection: the postmaster alone shows none of it. A child that exited and was
 * reaped is in its parent's cutime/cstime; a live one is counted on its own.
 */
export function readCpuSeconds(pid: number): number | undefined {
  const own = statFields(pid);
  if (!own) return undefined;
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    // no listing: the process alone
  }
  const fields = new Map<number, string[]>([[pid, own]]);
  for (const entry of entries) {
    const stat = statFields(entry);
    if (!stat) continue;
    const parent = Number(stat[1]);
    fields.set(Number(entry), stat);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const ticks = (id: number): number => {
    const stat = fields.get(id);
    if (!stat) return 0;
    // utime, stime, cutime, cstime
    const self = Number(stat[11]) + Number(stat[12]) + Number(stat[13]) + Number(stat[14]);
    return self + (children.get(id) ?? []).reduce((sum, child) => sum + ticks(child), 0);
  };
  return ticks(pid) / TICKS_PER_SECOND;
}

/**
 * CPU seconds every process on the machine has used since boot (all cores, anything but idle
 * and I/O wait): with the figures of our own processes, it shows how much other work took.
 */
export function readMachineCpuSeconds(): number | undefined {
  try {
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is
    // already counted in user and nice.
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
