import type { z } from 'zod';

/**
 * What a provider sees of a request: the exact bytes, the headers, and the public URL the
 * provider called (Twilio and Square sign it). Nothing framework-specific crosses this line.
 */
export interface WebhookRequest {
  readonly rawBody: Buffer;
  /** Header names lower-cased; repeated headers joined with ", " as Node does. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The full public URL, including the query string, as the provider addressed it. */
  readonly url: string;
  /** The media type without parameters, lower-cased (e.g. `application/json`). */
  readonly contentType: string;
  /** The HTTP method; POST when absent. GET only reaches providers that list it in `methods`. */
  readonly method?: string;
}

/** Parsed body: a JSON value, or form fields for `application/x-www-form-urlencoded`. */
export type Payload = unknown;

export interface SourceSettings<O> {
  /** Secrets (or keys) in rotation order; any one verifies. */
  readonly secrets: readonly string[];
  /** Allowed distance in seconds between a signed timestamp and now, both directions. */
  readonly toleranceSeconds: number;
  /** Provider-specific options, validated by the provider's `options` schema. */
  readonly options: O;
}

export interface Verification {
  /** Index in `secrets` of the one that verified; recorded with the event, never the secret. */
  readonly secretIndex: number;
  /** The signed timestamp, where the scheme has one. */
  readonly signedAt?: Date;
  /**
   * A single-use value the signature covers while the event data is not signed (Mailgun's
   * token). The receiver binds it to the first event ID it arrives with and refuses it with any
   * other, so a captured signature cannot be replayed onto forged event data.
   */
  readonly nonce?: string;
}

export interface EventIdentity {
  /** The provider's event/delivery ID: the deduplication key. */
  readonly id: string;
  readonly type: string;
  readonly occurredAt?: Date;
}

/**
 * A reply the provider expects instead of processing (Slack challenge, Zoom URL validation), or
 * the exact answer it expects to an accepted event (Adyen's `[accepted]`, Graph's 202).
 */
export interface HandshakeReply {
  readonly status: number;
  /** JSON unless `contentType` says otherwise; a string with `text/plain` is sent as is. Absent: no body. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Values the operator must see (Notion's verification_token): logged at info with the handshake. */
  readonly logged?: Readonly<Record<string, string>>;
}

/** A provider's handshake request, for `hookflow send --handshake`. */
export interface HandshakeRequest {
  readonly method: 'GET' | 'POST';
  /** Appended to the source's URL (`?hub.mode=subscribe&...`). */
  readonly query?: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  /** The answer the provider expects, so `send --handshake` can say whether it got it. */
  readonly expect: { readonly status: number; readonly body?: string };
  /** Sign it as an event (Discord's PING, Twitch's verification are signed like any delivery). */
  readonly signed?: boolean;
}

export interface SignedRequest {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The URL to post to, when the provider signs it or adds query parameters. */
  readonly url: string;
  readonly contentType: string;
}

export interface Provider<O = unknown> {
  readonly name: string;
  /** HTTP methods the provider sends (Meta, Dropbox and Okta add GET for their handshakes); default POST. */
  readonly methods?: readonly string[];
  /** False for providers whose credentials live in options (`users`, `clientState`): `secrets` may be left out. */
  readonly needsSecrets?: boolean;
  /**
   * The provider hands its signing secret over in this header at its handshake (Asana's
   * X-Hook-Secret): the receiver stores it in MongoDB and verifies later requests with it too.
   */
  readonly learnsSecret?: { readonly header: string };
  /** Option fields holding credentials: `env:VAR` is resolved in them at load, and they are never logged. */
  readonly secretOptions?: readonly string[];
  /** Schema of the provider-specific fields of a source's config. */
  readonly options: z.ZodType<O>;
  /** The provider's documented replay window in seconds, where it has a timestamp. */
  readonly defaultToleranceSeconds?: number;
  /**
   * Check one configured secret at config load; return why it is unusable, or undefined.
   * For keys with a format (sendgrid's public keys), so a typo fails at start, not per request.
   */
  checkSecret?(secret: string, options: O): string | undefined;
  /** Headers that carry signatures or credentials (lower-case): never stored or logged. */
  secretHeaders(options: O): readonly string[];
  /**
   * Verify the request against the source's secrets at time `now`.
   * Returns which secret verified; throws SignatureError with the reason otherwise.
   * Must never throw anything else on malformed input.
   */
  verify(req: WebhookRequest, source: SourceSettings<O>, now: Date): Verification;
  /**
   * A handshake that carries its own proof, or needs none, and so is answered before (instead of)
   * the signature check: Meta's GET with the verify token, Dropbox's GET echo, Graph's
   * validationToken, WooCommerce's unsigned ping. Throws SignatureError for a forged one.
   */
  challenge?(req: WebhookRequest, source: SourceSettings<O>, now: Date): HandshakeReply | undefined;
  /** Answer the provider's endpoint handshake, if this request is one. Called after verify. */
  handshake?(req: WebhookRequest, payload: Payload, source: SourceSettings<O>): HandshakeReply | undefined;
  /** The answer the provider expects to an accepted (or duplicate) event; default 200 with hookflow's JSON. */
  answer?(result: { readonly outcome: 'accepted' | 'duplicate'; readonly workflowId: string }, payload: Payload): HandshakeReply;
  /** Read the event ID, type and time. Throws BadRequestError when the ID is missing. */
  identify(req: WebhookRequest, payload: Payload, source: SourceSettings<O>): EventIdentity;
  /** Build a request exactly as the provider would send it, for `hookflow send` and tests. */
  sign(
    input: { body: Buffer; contentType: string; url: string; secret: string; now: Date; eventType?: string },
    options: O,
  ): SignedRequest;
  /** The provider's handshake as it sends it, for `hookflow send --handshake`; `secret` as for sign. */
  handshakeRequest?(options: O, secret: string, now: Date): HandshakeRequest;
  /** A realistic sample event body for `hookflow send`. */
  sample(eventType: string | undefined, now: Date): { body: Buffer; contentType: string };
}
