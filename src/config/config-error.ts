import type { z } from 'zod';

/** A config problem, always naming the field at fault. Raised once, at start. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }

  static fromZod(error: z.ZodError, prefix: (string | number)[] = []): ConfigError {
    const lines = error.issues.map((issue) => {
      const path = [...prefix, ...issue.path.map(String)].join('.') || '(root)';
      return `${path}: ${issue.message}`;
    });
    return new ConfigError(`invalid config:\n  ${lines.join('\n  ')}`);
  }
}
