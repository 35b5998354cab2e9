/**
 * Scenario (a), run as its own process like the receiver: a bare Koa endpoint that reads the raw
 * body, verifies the bench source's HMAC and answers 200, with nothing durable behind it. What
 * the framework and the signature check alone allow: the ceiling of any Koa receiver here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { BENCH_SECRET } from './signed-event';

const app = new Koa();
app.use(async (ctx) => {
  const raw = await getRawBody(ctx.req, { limit: 1_048_576 });
  const expected = Buffer.from(`sha256=${createHmac('sha256', BENCH_SECRET).update(raw).digest('hex')}`);
  const given = Buffer.from(ctx.get('x-signature'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    ctx.status = 401;
    ctx.body = { error: 'bad signature' };
    return;
  }
  ctx.status = 200;
  ctx.body = { status: 'accepted' };
});

// The receiver's keep-alive timeout (src/receiver/start-receiver.ts), so both serve alike.
const server = http.createServer(app.callback());
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'bare listening', port }));
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
