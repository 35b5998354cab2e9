import type { Middleware } from 'koa';
import { HttpError } from '../errors/http-errors';
import type { StartOutcome } from '../temporal/start-processing';
import type { ReceiverMetrics } from './create-receiver-metrics';
import { deliveryOutcome } from './delivery-outcome';

/** What the webhook route decided for a 2xx, for the `outcome` label (set on `ctx.state`). */
export interface DeliveryState {
  answered?: StartOutcome | 'handshake';
}

/**
 * Route middleware for `/webhooks/:source`: times each delivery and counts how it was answered,
 * errors included (it sees them before errorMiddleware turns them into responses). Only
 * configured sources are counted: the name in an unknown path is the sender's to choose, and
 * would grow the label set without bound.
 */
export function measureDeliveries(metrics: ReceiverMetrics, isSource: (name: string) => boolean): Middleware<DeliveryState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    let status = 500;
    try {
      await next();
      status = ctx.status;
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      throw error;
    } finally {
      const source = (ctx as { params?: Record<string, string> }).params?.source;
      if (source !== undefined && isSource(source)) {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.recordDelivery(source, deliveryOutcome(status, ctx.state.answered), status, seconds);
      }
    }
  };
}
