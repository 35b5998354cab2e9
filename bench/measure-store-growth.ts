import { MongoClient } from 'mongodb';
import type { BenchContext } from './bench-context';
import { measureEndToEnd, type EndToEndResult } from './measure-end-to-end';

export interface StoreGrowthRun {
  /** Events already in the database when the batch started. */
  readonly stored: number;
  readonly run: EndToEndResult;
}

/**
 * (f): the end-to-end batch of (d) on a database already holding `stored` events, to show how
 * each event's cost grows with the store (issue #10): FerretDB v1 reads the collection for
 * every filter, so the writes of each event slow as the collection grows.
 */
export async function measureStoreGrowth(ctx: BenchContext, counts: readonly number[], log: (line: string) => void): Promise<StoreGrowthRun[]> {
  const runs: StoreGrowthRun[] = [];
  const mongo = new MongoClient(ctx.stack.mongo.uri);
  try {
    for (const stored of counts) {
      const name = `f${stored}`;
      if (stored > 0) {
        const started = Date.now();
        await preload(mongo, `bench_${ctx.runId}_${name}`, stored);
        log(`(f) ${stored} events stored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      runs.push({ stored, run: await measureEndToEnd(ctx, { name, type: 'bench.noop', workers: 1 }) });
    }
  } finally {
    await mongo.close();
  }
  return runs;
}

/** Finished events shaped like hookflow's own documents, about 2 KB each, in batches. */
async function preload(mongo: MongoClient, database: string, count: number): Promise<void> {
  const events = mongo.db(database).collection<{ _id: string } & Record<string, unknown>>('events');
  const padding = 'x'.repeat(1_500);
  for (let from = 0; from < count; from += 500) {
    const at = new Date(Date.now() - 86_400_000);
    await events.insertMany(
      Array.from({ length: Math.min(500, count - from) }, (_, i) => {
        const eventId = `stored_${from + i}`;
        return {
          _id: `bench:${eventId}`,
          source: 'bench',
          provider: 'hmac',
          eventId,
          type: 'bench.noop',
          receivedAt: at,
          listedAt: at,
          completedAt: at,
          status: 'succeeded',
          attempts: 1,
          runId: 'preloaded',
          headers: { 'content-type': 'application/json' },
          payload: { id: eventId, type: 'bench.noop', data: { padding } },
          actions: { 'handler:noop': { kind: 'handler', target: 'noop', status: 'succeeded', attempts: 1, result: null } },
        };
      }),
      { ordered: false },
    );
  }
}
