import { ServiceError } from '@temporalio/client';
import { ServiceUnavailableError, UnprocessableEntityError } from '../../../src/errors/http-errors';
import { startFailureError } from '../../../src/receiver/start-failure';

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const status = { UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, INTERNAL: 13, UNAVAILABLE: 14 };

/** A gRPC error as @grpc/grpc-js rejects with, wrapped the way the Temporal client rethrows it. */
function temporalError(code: number, details: string): ServiceError {
  const grpc = Object.assign(new Error(`${code}: ${details}`), { code, details, metadata: {} });
  return new ServiceError('Failed to start Workflow', { cause: grpc });
}

describe('startFailureError(error, retryAfterSeconds)', () => {
  test('issue #6: INVALID_ARGUMENT from the start is a 422 that names what Temporal refused, without Retry-After', () => {
    const answer = startFailureError(temporalError(status.INVALID_ARGUMENT, 'WorkflowId exceeds maximum allowed length (1219/1000)'), 5);
    expect(answer).toBeInstanceOf(UnprocessableEntityError);
    expect(answer.status).toBe(422);
    expect(answer.message).toBe(
      'Temporal refuses this event as invalid, so resending it cannot succeed: WorkflowId exceeds maximum allowed length (1219/1000)',
    );
    expect(answer.headers).toEqual({});
  });

  test('every other gRPC status stays a 503 with Retry-After, so the provider retries', () => {
    for (const code of [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.INTERNAL, status.RESOURCE_EXHAUSTED, status.UNKNOWN]) {
      const answer = startFailureError(temporalError(code, 'no'), 5);
      expect(answer).toBeInstanceOf(ServiceUnavailableError);
      expect(answer.status).toBe(503);
      expect(answer.headers).toEqual({ 'Retry-After': '5' });
    }
  });

  test('an error that is not from gRPC, or not an error at all, is a 503', () => {
    for (const error of [new Error('socket hang up'), Object.assign(new Error('x'), { code: 3 }), 'boom', undefined]) {
      expect(startFailureError(error, 5).status).toBe(503);
    }
  });
});
