import type { Context } from 'koa';
import type { WebhookRequest } from '../providers/types';

/** Lower-cased header names; repeated headers joined with ", " (set-cookie is never signed). */
export function flattenHeaders(headers: Context['req']['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The media type alone: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * The URL as the provider addressed it. Behind a proxy the Host the receiver sees is not the
 * one signed, so a configured public base URL (scheme, host, optional port and path prefix)
 * wins; the request's own path and query are appended to it.
 */
export function publicUrl(ctx: Context, publicBase: string | undefined): string {
  if (publicBase) return publicBase.replace(/\/+$/, '') + ctx.originalUrl;
  return `${ctx.protocol}://${ctx.host}${ctx.originalUrl}`;
}

export function toWebhookRequest(ctx: Context, rawBody: Buffer, url: string): WebhookRequest {
  return {
    rawBody,
    headers: flattenHeaders(ctx.req.headers),
    url,
    contentType: mediaType(ctx.get('content-type')),
    method: ctx.method,
  };
}
