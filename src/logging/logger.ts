import pino, { type Logger } from 'pino';
import { env } from '../config/env';

export type { Logger };

/**
 * Structured JSON logs. Anything that could hold a secret is redacted at the source, so a
 * log line can never leak a signing secret or a signature even when a whole object is logged.
 */
export function createLogger(name: string, level = env('HOOKFLOW_LOG_LEVEL') ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['secret', 'secrets', '*.secret', '*.secrets', 'headers.authorization', 'headers.cookie', '*.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
