import { readFileSync } from 'node:fs';

/** Linux: the local ports of 127.0.0.1 sockets in TIME_WAIT (state 06 in /proc/net/tcp). */
export function timeWaitPorts(): Set<number> {
  const ports = new Set<number>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (state === '06' && local?.startsWith('0100007F:')) ports.add(Number.parseInt(local.slice(9), 16));
  }
  return ports;
}
