/** A transform threw or returned something that is not a TransformOutput: permanent, never retried. */
export class TransformError extends Error {
  constructor(
    readonly transform: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransformError';
  }
}
