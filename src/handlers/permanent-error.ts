/**
 * Throw from a handler when retrying cannot help (the event is invalid for your system, say).
 * hookflow turns it into a non-retryable failure: the event fails after this attempt.
 * Any other error is retried with backoff.
 */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}
