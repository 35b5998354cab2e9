/** What one reconciliation run found, for the CLI table, the log line and the metric. */
export interface ReconcileReport {
  readonly source: string;
  /** ISO time the run looked back to. */
  readonly since: string;
  readonly dryRun: boolean;
  /** Events (GitHub: deliveries by their ID) the provider listed since then. */
  readonly found: number;
  /** Of those, already recorded here or known to Temporal. */
  readonly alreadyStored: number;
  /** Missing here and started now (on a dry run: would have been). */
  readonly recovered: number;
  /** Missing here and could not be started; the next run tries again. */
  readonly failed: number;
  /** The workflow IDs recovered (or, on a dry run, that would be). */
  readonly recoveredIds: readonly string[];
  readonly failures: readonly { readonly eventId: string; readonly error: string }[];
}

export type ReconcileOutcome = 'already_stored' | 'recovered' | 'failed';
