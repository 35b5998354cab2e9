import type { z } from 'zod';
import type { HmacAlgorithm } from '../crypto';
import type { JwtAlgorithm } from '../schemes/jwt';
import type { PublicKeyAlgorithm } from '../schemes/public-key';
import type { Pick, Selector } from '../schemes/selector';
import type { HandshakeRequest, Payload, WebhookRequest } from '../types';
import type { Part } from '../schemes/signed-content';

/**
 * A preset is a provider written as data over a shared scheme (src/providers/schemes). The
 * registry validates each one at load (`presetProblems`), and src/providers/presets/catalog.ts
 * lists them. See the top of catalog.ts for how to add one.
 */

/** Where a signature sits in its header. */
export type SignatureSpec =
  | {
      readonly header: string;
      /** Text before the digest (`sha256=`); entries without it are ignored. */
      readonly prefix?: string;
      readonly encoding: 'hex' | 'base64' | 'base64url';
      /** Several signatures in one header (rotation), split on commas and/or spaces; default one. */
      readonly list?: boolean;
    }
  | {
      readonly header: string;
      /** `t=<ts>,v1=<sig>[,v1=...]` (Stripe-style): the timestamp travels in the same header. */
      readonly kv: { readonly separator: ',' | ';'; readonly timestampKey: string; readonly signatureKey: string };
      readonly encoding: 'hex' | 'base64' | 'base64url';
    };

/** The signed timestamp: where it is, its unit. Freshness is always checked both ways. */
export interface TimestampSpec {
  /** `header:NAME` or `body:PATH`; `kv` for the timestamp key of a kv signature header. */
  readonly from: Selector | 'kv';
  readonly unit: 's' | 'ms' | 'iso';
}

export type Scheme =
  | {
      readonly kind: 'hmac';
      readonly algorithm: HmacAlgorithm;
      readonly signature: SignatureSpec;
      readonly signed: readonly Part[];
      readonly separator?: string;
      readonly timestamp?: TimestampSpec;
    }
  /** `webhook-*` or `svix-*` headers; keys are `whsec_<base64>` (non-whsec secrets are skipped). */
  | { readonly kind: 'standard-webhooks' }
  /**
   * A shared token equal to a secret: `header:NAME`, `query:NAME` or `body:PATH`. With `option`
   * it must equal that option instead (Graph's `clientState`); with `each`, the body path of a
   * batch, every item must carry it (`from` is then read in each item).
   */
  | { readonly kind: 'token'; readonly from: Selector; readonly prefix?: string; readonly option?: string; readonly each?: string }
  /** HTTP Basic against the `users` option (`name:password`). */
  | { readonly kind: 'basic' }
  | {
      readonly kind: 'jwt';
      readonly from: Selector;
      readonly prefix?: string;
      readonly algorithms: readonly JwtAlgorithm[];
      readonly issuer?: string;
      /** Refuse a token whose iat is older than the source's tolerance. */
      readonly maxAge?: boolean;
      readonly bodySha256Claim?: string;
    }
  | {
      readonly kind: 'publickey';
      readonly algorithm: PublicKeyAlgorithm;
      /** Take the keys from this option (PayPal's pinned `certificates`) instead of `secrets`. */
      readonly keysOption?: string;
      readonly signature: SignatureSpec;
      readonly signed: readonly Part[];
      readonly separator?: string;
      readonly timestamp?: TimestampSpec;
    };

/** A test on the request: the selector yields a value (equal to `equals`, when given). */
export interface Condition {
  readonly select: Selector;
  readonly equals?: string;
  /** The selector must yield nothing (WooCommerce's ping carries no signature header). */
  readonly absent?: boolean;
}

/** What to answer. `echo` puts a selected value in the body, as text or as `{[echoAs]: value}`. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly echo?: Selector;
  readonly echoAs?: string;
  /** Default JSON; `text/plain` sends a string body as is. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Log this selected value with the handshake (Notion's verification_token the operator must paste). */
  readonly log?: Selector;
}

/**
 * A provider's endpoint handshake, answered instead of starting a workflow. The kind says when
 * it is recognised, and what proves it:
 * - `challenge`: before the signature check; its proof is a token compared with an option
 *   (`token`, Meta's verifyToken), the scheme's own verify (`verify: true`, Okta's auth header),
 *   or nothing where echoing gives nothing away (Dropbox, Graph's validationToken);
 * - `signed`: after the signature check (Discord PING, Twitch's callback verification);
 * - `unsigned`: an unsigned ping recognised by its shape alone, answered 2xx without starting
 *   anything (WooCommerce's `webhook_id=N`, Notion's verification_token).
 */
export type Handshake =
  | {
      readonly kind: 'challenge';
      readonly method?: 'GET' | 'POST';
      readonly when: readonly Condition[];
      readonly token?: { readonly select: Selector; readonly option: string };
      readonly verify?: boolean;
      readonly reply: Reply;
    }
  | { readonly kind: 'signed'; readonly when: readonly Condition[]; readonly reply: Reply }
  | { readonly kind: 'unsigned'; readonly when: readonly Condition[]; readonly reply: Reply };

export interface Sample {
  readonly body: Buffer;
  readonly contentType: string;
}

export interface Preset {
  readonly name: string;
  /** One-line summary with the spec's URL, for readers of the catalog. */
  readonly spec: string;
  readonly methods?: readonly ('GET' | 'POST')[];
  /** Several: the first whose signature header is present decides (GitLab: signing token, else secret token). */
  readonly scheme: Scheme | readonly Scheme[];
  /** The event ID; end with `hash:body` (or `hash:signed`) where the provider may send none. */
  readonly id: Pick;
  /**
   * The event type; `unknown` when nothing yields. A function only where the type is not at a
   * fixed place (Telegram names it by the update's one other key).
   */
  readonly type: Pick | ((payload: Payload, req: WebhookRequest) => string | undefined);
  readonly occurredAt?: { readonly from: Pick; readonly unit: 's' | 'ms' | 'iso' };
  readonly handshakes?: readonly Handshake[];
  /** The answer to an accepted event, first matching; default hookflow's 200 JSON. */
  readonly answers?: readonly { readonly when?: readonly Condition[]; readonly reply: Reply }[];
  /** Extra options a source writes (`verifyToken`, `url`); a zod object, strict. */
  readonly options?: z.ZodType<Record<string, unknown>>;
  readonly secretOptions?: readonly string[];
  readonly needsSecrets?: boolean;
  /** The header that hands the signing secret over at the handshake (Asana). */
  readonly learnsSecret?: { readonly header: string };
  /** Credential headers beyond the scheme's signature header. */
  readonly secretHeaders?: readonly string[];
  readonly defaultToleranceSeconds?: number;
  /** Headers the provider sends besides the signature (IDs, type), for `hookflow send` and tests. */
  readonly headers?: (input: { readonly body: Buffer; readonly now: Date; readonly eventType?: string }) => Record<string, string>;
  readonly sample: (eventType: string | undefined, now: Date) => Sample;
  /** A realistic handshake request, for `hookflow send --handshake`. */
  readonly sampleHandshake?: (options: Record<string, unknown>, secret: string, now: Date) => HandshakeRequest;
}
