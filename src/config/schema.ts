import { z } from 'zod';
import { durationProblem, parseDuration } from './duration';
import { routeFilterSchema } from '../filters/filter-schema';
import { alertsSchema } from '../alerts/alerts-schema';
import { circuitBreakerSchema } from '../breaker/breaker-schema';

/** MongoDB refuses documents over 16 MiB, and a body is stored whole in one. */
const MAX_BODY_BYTES = 16_000_000;
const maxBodyBytes = z
  .number()
  .int()
  .positive()
  .max(MAX_BODY_BYTES, `at most ${MAX_BODY_BYTES}: MongoDB documents are limited to 16 MiB`);

/** `90s`, `30m`, `72h`, `7d`, read as milliseconds. */
const duration = z
  .string()
  .refine((text) => durationProblem(text) === undefined, { error: (issue) => durationProblem(String(issue.input)) })
  .transform(parseDuration);

/** Fields every source has; the rest of a source's object belongs to its provider. */
export const commonSourceFields = {
  provider: z.string().min(1),
  /** Optional only for providers whose credentials are options (basic's `users`, microsoft-graph's `clientState`). */
  secrets: z.array(z.string().min(1)).min(1).optional(),
  /** Replay window in seconds; defaults to the provider's documented window. */
  toleranceSeconds: z.number().int().positive().optional(),
  /** Largest body accepted for this source. */
  maxBodyBytes: maxBodyBytes.optional(),
  /** Token bucket per source: `burst` deliveries at once, refilled at `ratePerSecond`; 429 above it. */
  rateLimit: z
    .object({ ratePerSecond: z.number().positive(), burst: z.number().int().positive() })
    .strict()
    .optional(),
  /**
   * CIDRs or single addresses (IPv4 or IPv6) allowed to deliver to this source; 403 for others.
   * Each entry is parsed in load-config, which names a bad one. An empty list would refuse
   * everything, which is never what is meant.
   */
  allowIps: z.array(z.string().min(1)).min(1).optional(),
  /**
   * The provider's API, for reconciliation (src/reconcile/): stripe's `apiKey`, github's
   * `apiToken` and `hook`; `apiUrl` points either elsewhere (a proxy, a test server). Values may
   * be `env:VAR`. Checked per provider in load-config.
   */
  apiKey: z.string().min(1).optional(),
  apiToken: z.string().min(1).optional(),
  apiUrl: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional(),
  hook: z
    .union(
      [
        z.object({ owner: z.string().min(1), repo: z.string().min(1), id: z.number().int().positive() }).strict(),
        z.object({ app: z.literal(true) }).strict(),
        // The App's hook, authenticated as the App: a JWT signed with its key for each run.
        z.object({ appId: z.number().int().positive(), privateKey: z.string().min(1) }).strict(),
      ],
      {
        error:
          'a hook is { "owner", "repo", "id" } (a repository hook), { "appId", "privateKey" } (the GitHub App\'s hook, as the App) or { "app": true } (the App\'s hook, apiToken being a JWT)',
      },
    )
    .optional(),
  /** A Temporal Schedule that reconciles the source `every` so often over the last `lookback`. */
  reconcile: z
    .object({
      every: duration.optional(),
      lookback: duration.default(72 * 3_600_000),
      /** github: feed the missing deliveries' payloads (default), or ask GitHub to redeliver them. */
      mode: z.enum(['feed', 'redeliver']).default('feed'),
    })
    .strict()
    .optional(),
};
/** Derived, so a new common field is stripped before the provider's strict option schema sees it. */
export const COMMON_SOURCE_KEYS = Object.keys(commonSourceFields);

const retrySchema = z
  .object({
    initialIntervalMs: z.number().int().positive().default(1_000),
    backoffCoefficient: z.number().min(1).default(2),
    maximumIntervalMs: z.number().int().positive().default(300_000),
    /** 0 means unlimited: retry until scheduleToCloseMs runs out. */
    maximumAttempts: z.number().int().min(0).default(0),
    startToCloseMs: z.number().int().positive().default(60_000),
    /** Total time an action may take across all attempts: one day by default. */
    scheduleToCloseMs: z.number().int().positive().default(86_400_000),
    /**
     * hookflow heartbeats for every running action; an attempt silent for this long (its worker
     * died) is retried elsewhere instead of waiting out startToCloseMs.
     */
    heartbeatTimeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();

/**
 * Names become field names in the event document (`actions.handler:<name>`), so no `.` or `$`.
 */
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const NAME_RULE = 'names are 1-64 letters, digits, _ or -, starting with a letter or _';

const handlerAction = z.object({ handler: z.string().regex(NAME, NAME_RULE) }).strict();
const forwardAction = z.object({ forward: z.string().regex(NAME, NAME_RULE) }).strict();

const routeSchema = z
  .object({
    source: z.string().min(1),
    /** Event-type patterns: exact, `prefix.*`, or `*`. */
    events: z.array(z.string().min(1)).min(1).default(['*']),
    actions: z.array(z.union([handlerAction, forwardAction], { error: 'an action is { "handler": name } or { "forward": destination }' })).min(1),
    retry: retrySchema.partial().optional(),
    /**
     * A dotted path into the payload (`data.object.customer`). Events with the same value run
     * one at a time in arrival order; different values run in parallel.
     */
    orderingKey: z.string().min(1).optional(),
    /** With orderingKey: record an event older than the newest processed for its key as `stale`. */
    skipStale: z.boolean().default(false),
    /** Names the route in refusals and `hookflow transform`; `routes.<i>` otherwise. */
    name: z.string().regex(NAME, NAME_RULE).optional(),
    /** Conditions on body, headers and query the event must meet (src/filters/); compiled here. */
    filter: routeFilterSchema.optional(),
    /** A function of the handlers module's `transforms`: reshapes what this route's actions get (src/transforms/). */
    transform: z.string().regex(NAME, NAME_RULE).optional(),
    /** The route's actions start this long after the event's run began: a durable workflow timer. */
    delayMs: z.number().int().min(0).max(366 * 86_400_000, 'at most a year').optional(),
  })
  .strict()
  .refine((route) => !route.skipStale || route.orderingKey, {
    message: 'skipStale needs orderingKey: staleness is judged per key',
    path: ['skipStale'],
  });

/** An internal URL events are POSTed to, signed the Standard Webhooks way. */
const destinationSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    /** `whsec_<base64>` secrets (or `env:VAR`); each signs, so the destination can rotate. */
    secrets: z.array(z.string().min(1)).min(1),
    /** One attempt's limit; a timed-out attempt is retried. */
    timeoutMs: z.number().int().positive().default(10_000),
    /** Extra request headers (an `Authorization` for the internal service, say); values may be `env:VAR`. */
    headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name'), z.string()).default({}),
    /** Pause itself after this many failed attempts in a row (src/breaker/); resume by probe or operator. */
    circuitBreaker: circuitBreakerSchema.optional(),
    /**
     * Forwards started per second across every worker together: Temporal's matching service
     * enforces it on the destination's own task queue (src/limits/). A throttled forward waits
     * there, unattempted.
     */
    rateLimit: z.object({ perSecond: z.number().positive().max(10_000) }).strict().optional(),
    /** Forwards in flight at once across every worker together: permits from one workflow per destination (src/limits/). */
    maxConcurrency: z.number().int().min(1).max(1_000).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Free text for humans; JSON has no comments. */
    $comment: z.string().optional(),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        /** The base URL providers call when a proxy sits in front; used by URL-signing providers. */
        publicUrl: z.url().optional(),
        /** Default body limit for every source: 1 MiB. */
        maxBodyBytes: maxBodyBytes.default(1_048_576),
        /**
         * Bodies larger than this are stored in MongoDB before the workflow starts, and the
         * workflow carries a reference (claim check). The workflow input holds the parsed body
         * and its base64 copy, about 2.4 times the size, and Temporal refuses payloads over
         * 2 MB (warning from 512 KB), hence the cap.
         */
        claimCheckBytes: z.number().int().min(0).max(524_288).default(262_144),
        /** How long to wait for Temporal to accept a start before answering 503. */
        ackTimeoutMs: z.number().int().positive().default(5_000),
        /** Seconds a provider is told to wait (Retry-After) when hookflow cannot acknowledge. */
        retryAfterSeconds: z.number().int().positive().default(5),
        /**
         * Take the client address from X-Forwarded-For (its first entry) instead of the socket.
         * Only safe when a proxy in front replaces any X-Forwarded-For the client sent: otherwise
         * a client writes its own and walks through `allowIps`. See src/receiver/create-app.ts.
         */
        trustProxy: z.boolean().default(false),
        /** A client must send all its headers within this time, or is answered 408 and cut off. */
        headersTimeoutMs: z.number().int().positive().default(10_000),
        /** A client must send the whole request (headers and body) within this time. */
        requestTimeoutMs: z.number().int().positive().default(30_000),
      })
      .strict()
      // Node refuses a headers timeout longer than the request timeout when creating the server.
      .refine((server) => server.headersTimeoutMs <= server.requestTimeoutMs, {
        message: 'must not be longer than server.requestTimeoutMs',
        path: ['headersTimeoutMs'],
      })
      .prefault({}),
    temporal: z
      .object({
        address: z.string().default('127.0.0.1:7233'),
        namespace: z.string().default('default'),
        taskQueue: z.string().default('hookflow'),
        uiUrl: z.string().default('http://127.0.0.1:8233'),
        /**
         * Days Temporal keeps a closed workflow, set on the namespace by the embedded stack and
         * docker-compose: within it Temporal deduplicates too; the event record does beyond it.
         */
        retentionDays: z.number().int().min(1).default(7),
        /**
         * The embedded dev server's SQLite `synchronous` setting (its journal is always WAL).
         * `normal`: every commit survives any process crash, the last ones may not survive a
         * power loss or OS crash; about 2.5 times the workflow starts per second. `full`: an
         * fsync per commit, durable across power loss too.
         */
        sqliteSynchronous: z.enum(['normal', 'full']).default('normal'),
      })
      .strict()
      .prefault({}),
    /** The admin API: off unless a token is set (use `env:VAR`), on its own address. */
    admin: z
      .object({
        /** Bearer token every admin call must carry; at least 16 characters. */
        token: z.string().min(16, 'use a token of at least 16 characters').optional(),
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3001),
        /** Bulk retry and replay start at most this many workflows per second. */
        bulkRatePerSecond: z.number().positive().default(20),
      })
      .strict()
      .prefault({}),
    /** Each worker's HTTP server for /healthz, /readyz and /metrics; port 0 picks a free one. */
    worker: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(9464),
        /**
         * Action attempts one worker runs at once: a cap keeps one worker from flooding a
         * downstream, and more workers then mean more throughput. Above it, tasks wait in
         * Temporal for a free slot (on this worker or another).
         */
        maxConcurrentActions: z.number().int().min(1).max(10_000).default(200),
      })
      .strict()
      .prefault({}),
    mongodb: z
      .object({
        uri: z.string().default('mongodb://127.0.0.1:27017'),
        database: z.string().default('hookflow'),
      })
      .strict()
      .prefault({}),
    /** Module exporting the handlers, relative to the config file. */
    handlers: z.string().default('./handlers'),
    retry: retrySchema.prefault({}),
    destinations: z.record(z.string().regex(NAME, NAME_RULE), destinationSchema).default({}),
    /** The per-key workflows that run ordered routes. */
    ordering: z
      .object({
        /** Events one run handles before it continues as new, keeping its history bounded. */
        eventsPerRun: z.number().int().positive().default(200),
        /** A key's workflow ends after this long with nothing to do; the next event starts it again. */
        idleMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .prefault({}),
    sources: z.record(
      z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'source names are 1-64 letters, digits, _ or -'),
      z.object(commonSourceFields).passthrough(),
    ),
    routes: z.array(routeSchema).default([]),
    /** Alert rules and where they notify (src/alerts/). */
    alerts: alertsSchema.prefault({}),
    /**
     * What is kept of each event, and for how long (src/retention/): after `days` its payload,
     * raw body, claim-checked body and headers are purged; the small record (ID, source, type,
     * status, times, attempts) stays until `keepRecordDays`, so deduplication and the audit
     * trail outlive the payload. A Temporal Schedule purges `every` so often, `batchSize`
     * documents at a time.
     */
    retention: z
      .object({
        days: z.number().positive().default(30),
        keepRecordDays: z.number().positive().default(90),
        every: duration.default(3_600_000),
        batchSize: z.number().int().positive().max(5_000).default(500),
      })
      .strict()
      .refine((retention) => retention.keepRecordDays >= retention.days, {
        message: 'must be at least retention.days: the record outlives the payload',
        path: ['keepRecordDays'],
      })
      .prefault({}),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type RetrySettings = z.infer<typeof retrySchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type DestinationSettings = z.infer<typeof destinationSchema>;
