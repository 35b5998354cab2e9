/**
 * A reconciliation that cannot run: an unknown source, missing credentials, a key the provider
 * refuses. The message names the source (`sources.stripe: ...`) so the operator knows which to fix.
 */
export class ReconcileError extends Error {
  constructor(
    readonly source: string,
    problem: string,
  ) {
    super(`sources.${source}: ${problem}`);
    this.name = 'ReconcileError';
  }
}
