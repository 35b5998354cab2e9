/**
 * How an action's failure reads wherever it is shown (the action's record, the event's
 * `lastError`, the workflow's failure in Temporal, the admin API and the CLI):
 * `<action>: <message>`. Both kinds of failure, a thrown Error and a PermanentError, read the
 * same way (issue #16). Pure: the workflow uses it too.
 */
export function actionErrorText(action: string, message: string): string {
  return `${action}: ${message}`;
}

/** Error classes whose name says nothing the message does not: only other classes are named. */
const UNNAMED_CLASSES: ReadonlySet<string> = new Set(['Error', 'PermanentError', 'ApplicationFailure']);

/**
 * The message of anything thrown. `Error` and `PermanentError` are not named, so a retried and a
 * permanent failure read alike; any other class is (`TypeError: x is not a function`), since
 * that says what kind of bug it is.
 */
export function thrownMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return UNNAMED_CLASSES.has(error.name) ? error.message : `${error.name}: ${error.message}`;
}
