import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError } from '../errors/http-errors';
import { hmac, sha256Hex } from './crypto';
import { JSON_TYPE, readPath, readString } from './payload';
import type { Provider } from './types';
import { matchV0Secret, v0Signature, verifyV0 } from './v0-signature';

/**
 * Zoom: `x-zm-signature: v0=<hex>` is HMAC-SHA256, keyed with the app's secret token, over
 * `v0:<x-zm-request-timestamp>:<raw body>`.
 * https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events
 */
export const zoomOptions = z.object({}).strict();

export type ZoomOptions = z.infer<typeof zoomOptions>;

const SIGNATURE_HEADER = 'x-zm-signature';
const TIMESTAMP_HEADER = 'x-zm-request-timestamp';
/** Zoom's legacy verification token arrives in `authorization`: a credential, never logged. */
const LEGACY_TOKEN_HEADER = 'authorization';
const URL_VALIDATION = 'endpoint.url_validation';

const HEADERS = { signature: SIGNATURE_HEADER, timestamp: TIMESTAMP_HEADER, several: false };

export const zoomProvider: Provider<ZoomOptions> = {
  name: 'zoom',
  options: zoomOptions,
  defaultToleranceSeconds: 300,
  secretHeaders: () => [SIGNATURE_HEADER, LEGACY_TOKEN_HEADER],

  verify(req, source, now) {
    return verifyV0(req, HEADERS, source, now);
  },

  /**
   * encryptedToken is an HMAC of a caller-chosen string under the same key that signs events,
   * so answering an unverified challenge would hand out signatures. The secret is found again by
   * re-checking the signature (rather than assuming the first of a rotation list), which also
   * refuses a challenge that did not pass verify.
   */
  handshake(req, payload, { secrets }) {
    if (readString(payload, 'event') !== URL_VALIDATION) return undefined;
    const plainToken = readPath(payload, 'payload.plainToken');
    if (typeof plainToken !== 'string' || plainToken === '') {
      throw new BadRequestError(`${URL_VALIDATION} without a payload.plainToken string`);
    }
    const secret = secrets[matchV0Secret(req, HEADERS, secrets)];
    return { status: 200, body: { plainToken, encryptedToken: hmac('sha256', secret, plainToken).toString('hex') } };
  },

  identify(req, payload) {
    // Zoom sends no delivery ID. Its retries come 5 to 85 minutes later, and one that passes
    // the replay window must carry a new timestamp, so a hash of the signed content would differ
    // per attempt; the body (which carries event_ts in ms) is what stays the same.
    const eventTs = readPath(payload, 'event_ts');
    return {
      id: sha256Hex(req.rawBody),
      type: readString(payload, 'event') ?? 'unknown',
      occurredAt: typeof eventTs === 'number' && Number.isFinite(eventTs) ? new Date(eventTs) : undefined,
    };
  },

  sign({ body, contentType, url, secret, now }) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    return {
      headers: { 'content-type': contentType, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: v0Signature(secret, timestamp, body) },
      body,
      url,
      contentType,
    };
  },

  sample(eventType, now) {
    const event = eventType ?? 'meeting.started';
    const payload =
      event === URL_VALIDATION
        ? { plainToken: randomBytes(16).toString('base64url') }
        : {
            account_id: 'AAAAAABBBBBBCCCCCC',
            object: {
              uuid: randomBytes(16).toString('base64'),
              id: 85746065432,
              host_id: 'z8yBXksHRbuhyZ3X4hz5Aw',
              topic: 'Weekly sync',
              type: 2,
              start_time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
              timezone: 'Europe/Paris',
              duration: 30,
            },
          };
    const body = { event, payload, event_ts: now.getTime() };
    return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
  },
};
