/** A route filter that cannot be compiled; `path` is relative to the route's `filter`. */
export class FilterConfigError extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
    this.name = 'FilterConfigError';
  }
}
