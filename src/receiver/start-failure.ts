import { isGrpcServiceError } from '@temporalio/client';
import { ServiceUnavailableError, UnprocessableEntityError, type HttpError } from '../errors/http-errors';

/** gRPC status 3 (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const INVALID_ARGUMENT = 3;

/**
 * The gRPC error behind a failed Temporal call, if Temporal refused the request as invalid. The
 * client wraps the gRPC error (ServiceError, WorkflowFailedError...), so the causes are walked.
 */
export function invalidArgument(error: unknown): { details: string } | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    if (isGrpcServiceError(cause) && cause.code === INVALID_ARGUMENT) return { details: cause.details };
  }
  return undefined;
}

/**
 * What the receiver answers when Temporal did not accept an event's start. INVALID_ARGUMENT
 * means Temporal will refuse this request on every delivery (an ID or attribute past its limits
 * that ingress did not catch): 422, so the provider stops instead of retrying forever (issue #6).
 * Anything else (unavailable, deadline, internal) may pass: 503 with Retry-After.
 */
export function startFailureError(error: unknown, retryAfterSeconds: number): HttpError {
  const invalid = invalidArgument(error);
  if (invalid) {
    return new UnprocessableEntityError(
      `Temporal refuses this event as invalid, so resending it cannot succeed: ${invalid.details.slice(0, 300)}`,
    );
  }
  return new ServiceUnavailableError('the event could not be durably accepted; retry later', retryAfterSeconds);
}
