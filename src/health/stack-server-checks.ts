import { readStackState } from '../stack/supervise/stack-state-file';
import type { DependencyCheck } from './create-readiness';

/** The embedded stack's servers the receiver depends on: one of them down makes it not ready. */
const SERVERS = ['temporal', 'ferretdb', 'postgres', 'mongod'] as const;

/**
 * /readyz checks, one per server of the embedded stack, from the stack's state file: a server the
 * stack is restarting is down by name (`"down": ["mongodb", "ferretdb"]`), even in the second
 * before a ping to it would fail. Workers are left out: the receiver does not need them.
 */
export function stackServerChecks(stateFile: string): Record<string, DependencyCheck> {
  const present = Object.keys(readStackState(stateFile).restarts); // the stack lists its processes before the receiver starts
  return Object.fromEntries(
    SERVERS.filter((server) => present.includes(server)).map((server): [string, DependencyCheck] => [
      server,
      async () => {
        if (readStackState(stateFile).down.includes(server)) throw new Error(`${server} is being restarted by hookflow start`);
      },
    ]),
  );
}
