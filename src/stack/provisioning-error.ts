/** Raised when no route could provide a server; the message lists every route tried and the fix. */
export class ProvisioningError extends Error {
  constructor(what: string, attempts: readonly string[], fix: string) {
    super(`could not provide ${what}. Tried:\n${attempts.map((a) => `  - ${a}`).join('\n')}\nFix: ${fix}`);
    this.name = 'ProvisioningError';
  }
}
