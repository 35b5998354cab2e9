import { z } from 'zod';
import { durationSchema } from '../config/duration-schema';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/**
 * Where a rule's notifications go: a Slack incoming-webhook URL, and/or a generic webhook signed
 * the Standard Webhooks way. Both URLs and secrets may be `env:VAR` (a Slack webhook URL is a
 * credential); they are resolved and checked in src/alerts/resolve-alerts.ts.
 */
const channels = {
  slack: z.string().min(1).optional(),
  webhook: z
    .object({
      url: z.string().min(1),
      secrets: z.array(z.string().min(1)).min(1),
      timeoutMs: z.number().int().positive().max(60_000).default(10_000),
    })
    .strict()
    .optional(),
};

const common = {
  /** Names the rule in notifications and workflow IDs; `<on>-<index>` otherwise. */
  name: z.string().regex(NAME, 'names are 1-64 letters, digits, _ or -, starting with a letter or _').optional(),
  /** While the alert stays open, a reminder at most this often (default: `alerts.repeatEvery`). */
  repeatEvery: durationSchema.optional(),
  ...channels,
};

const sources = z.array(z.string().min(1)).min(1).optional();
const destinations = z.array(z.string().min(1)).min(1).optional();

const rule = z.discriminatedUnion(
  'on',
  [
    /** Events of a source ending `failed`: opens at `threshold` within `window`, resolves when fewer remain in it. */
    z.object({ on: z.literal('event.failed'), sources, threshold: z.number().int().min(1).default(1), window: durationSchema.default(300_000), ...common }).strict(),
    /**
     * The share of a destination's forward attempts that failed within `window`, once at least
     * `minAttempts` were made; an open alert resolves only below `resolveRate` (default 0.8 of
     * `rate`), so a share hovering at `rate` does not open and resolve over and over.
     */
    z
      .object({
        on: z.literal('destination.failing'),
        destinations,
        rate: z.number().gt(0).max(1).default(0.5),
        resolveRate: z.number().min(0).max(1).optional(),
        minAttempts: z.number().int().min(1).default(10),
        window: durationSchema.default(300_000),
        ...common,
      })
      .strict()
      .refine((r) => r.resolveRate === undefined || r.resolveRate <= r.rate, { message: 'resolveRate must not exceed rate', path: ['resolveRate'] }),
    /** A destination paused (by its circuit breaker, or an operator); resolves on resume. */
    z.object({ on: z.literal('destination.paused'), destinations, ...common }).strict(),
    /** Tasks waiting for a worker on the task queue (workflow plus activity), read every `checkEvery`. */
    z.object({ on: z.literal('backlog.high'), threshold: z.number().int().min(1), checkEvery: durationSchema.default(60_000), ...common }).strict(),
    /** 401s of a source: opens at `threshold` within `window`. */
    z.object({ on: z.literal('signatures.failing'), sources, threshold: z.number().int().min(1).default(20), window: durationSchema.default(300_000), ...common }).strict(),
  ],
  { error: 'a rule is { "on": "event.failed" | "destination.failing" | "destination.paused" | "backlog.high" | "signatures.failing", ... }' },
);

export const alertsSchema = z
  .object({
    repeatEvery: durationSchema.default(3_600_000),
    rules: z
      .array(
        rule.refine((r) => r.slack !== undefined || r.webhook !== undefined, {
          message: 'a rule needs "slack" (an incoming-webhook URL) and/or "webhook" ({ "url", "secrets" })',
        }),
      )
      .default([]),
  })
  .strict();

export type RawAlerts = z.infer<typeof alertsSchema>;
export type RawAlertRule = RawAlerts['rules'][number];
export type AlertKind = RawAlertRule['on'];
