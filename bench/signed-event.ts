import { createHmac, randomBytes } from 'node:crypto';

/** The generic `hmac` source every hookflow process of the bench serves, as in test/harness/sign.ts. */
export const BENCH_SECRET = 'bench-secret-not-for-production';
export const BENCH_SOURCE = {
  provider: 'hmac',
  secrets: [BENCH_SECRET],
  signatureHeader: 'X-Signature',
  prefix: 'sha256=',
  idField: 'id',
  typeField: 'type',
};

/** Event types the bench config routes: `bench.noop` to the no-op handler, `bench.io` to the waiting one. */
export type BenchEventType = 'bench.noop' | 'bench.io';

export interface SignedEvent {
  readonly id: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

// A per-run prefix and a counter: unique IDs without a random call per request.
const RUN = randomBytes(4).toString('hex');
let counter = 0;

/**
 * A fresh event with a unique ID, signed as the bench source expects. About 1 KB, the size of a
 * typical provider event (a Stripe payment_intent is 1-3 KB), so every scenario carries the same
 * bytes through verification and into the workflow input.
 */
export function signedEvent(type: BenchEventType): SignedEvent {
  const id = `evt_${RUN}_${(counter++).toString(36)}`;
  const body = Buffer.from(
    JSON.stringify({
      id,
      type,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: {
        object: {
          id: `pi_${id}`,
          amount: 4200,
          currency: 'eur',
          customer: 'cus_bench0001',
          description: 'benchmark order with a description long enough to look like a real one',
          metadata: { order: id, channel: 'web', region: 'eu-west', note: 'héllo ✓' },
          shipping: { name: 'Ada Lovelace', address: { line1: '12 St James Sq', city: 'London', postal_code: 'SW1Y 4JH', country: 'GB' } },
          charges: [{ id: `ch_${id}`, amount: 4200, paid: true, captured: true, receipt_url: `https://pay.example.com/receipts/${id}` }],
        },
      },
    }),
  );
  const signature = createHmac('sha256', BENCH_SECRET).update(body).digest('hex');
  return { id, body, headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` } };
}
