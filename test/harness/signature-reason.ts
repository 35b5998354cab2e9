import { SignatureError } from '../../src/errors/http-errors';

/**
 * The SignatureError reason `fn` throws. Fails the test when `fn` throws nothing (so an
 * assertion can never pass by accident) and rethrows any other error.
 */
export function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SignatureError) return error.reason;
    throw error;
  }
  throw new Error('expected a SignatureError, nothing was thrown');
}
