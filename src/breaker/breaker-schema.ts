import { z } from 'zod';
import { durationSchema } from '../config/duration-schema';

/**
 * A destination's `circuitBreaker` (issue #13): after `failures` failed forward attempts in a
 * row, all within `within`, the destination pauses itself. `coolDown` later one probe request
 * is sent, and a 2xx resumes it; `"manual"` leaves the resume to an operator.
 */
export const circuitBreakerSchema = z
  .object({
    failures: z.number().int().min(1).max(10_000),
    within: durationSchema.default(60_000),
    coolDown: z.union([z.literal('manual'), durationSchema]).default(60_000),
  })
  .strict();

export type CircuitBreakerSettings = z.infer<typeof circuitBreakerSchema>;
