import { waitUntil } from '../../src/stack/wait-until';
import type { DestinationServer } from './destination-server';

/** An alert as a local receiver got it: the generic webhook's JSON, verified with standardwebhooks. */
export interface ReceivedAlert {
  readonly type: string;
  readonly webhookId: string;
  readonly verified: boolean;
  readonly data: { id: string; rule: string; on: string; subject: string; phase: string; occurrences: number; summary: string; openedAt: string; at: string };
}

/** The alerts of a rule that reached `path` of the stand-in server, in arrival order. */
export function alertsAt(server: DestinationServer, path: string, rule?: string): ReceivedAlert[] {
  return server
    .requests(path)
    .map((r) => {
      const body = JSON.parse(r.body) as { type: string; data: ReceivedAlert['data'] };
      return { type: body.type, webhookId: String(r.headers['webhook-id']), verified: r.verified, data: body.data };
    })
    .filter((a) => rule === undefined || a.data.rule === rule);
}

/** Slack messages of a rule (matched by its name in the context line). */
export function slackAt(server: DestinationServer, path: string, rule: string): { text: string }[] {
  return server
    .requests(path)
    .map((r) => JSON.parse(r.body) as { text: string; blocks: { elements?: { text: string }[] }[] })
    .filter((m) => m.blocks.some((b) => b.elements?.some((e) => e.text.includes(`rule ${rule} `))));
}

export function waitForAlert(server: DestinationServer, path: string, rule: string, type: string, timeoutMs = 60_000): Promise<ReceivedAlert> {
  return waitUntil(`alert ${type} of rule ${rule} at ${path}`, async () => alertsAt(server, path, rule).find((a) => a.type === type), { timeoutMs, intervalMs: 100 });
}
