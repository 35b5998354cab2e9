import { z } from 'zod';
import { durationProblem, parseDuration } from './duration';

/** `90s`, `30m`, `72h`, `7d` in the config, read as milliseconds; a bad one names the format. */
export const durationSchema = z
  .string()
  .refine((text) => durationProblem(text) === undefined, { error: (issue) => durationProblem(String(issue.input)) })
  .transform(parseDuration);
