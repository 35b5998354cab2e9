import type { Context } from 'koa';
import type { SourceConfig } from '../config/load-config';
import type { WebhookRequest } from '../providers/types';
import { readBody } from './read-body';
import { publicUrl, toWebhookRequest } from './webhook-request';

/** Step 2: the body as bytes, capped at the source's limit, and what providers see of the request. */
export async function readRequest(ctx: Context, source: SourceConfig, publicBase: string | undefined): Promise<WebhookRequest> {
  const rawBody = await readBody(ctx.req, source.maxBodyBytes);
  return toWebhookRequest(ctx, rawBody, publicUrl(ctx, publicBase));
}
