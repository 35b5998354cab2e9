import { IO_WAIT_MS } from './bench-handlers';
import type { BenchResults } from './bench-results';
import type { CpuUse } from './cpu-meter';
import type { TargetRow } from './evaluate-targets';
import type { LatencySummary } from './summarize-latencies';

/**
 * The figures, the ratios with their targets, where the CPU went, and the load averages, as
 * plain aligned text: what a reader needs to judge the run without opening the JSON.
 */
export function formatTable(results: BenchResults, rows: readonly TargetRow[], loadAverages: Readonly<Record<string, readonly number[]>>): string {
  const figures: string[][] = [['scenario', 'throughput', 'p50', 'p99', 'notes']];
  const ms = (l: LatencySummary) => [`${l.p50} ms`, `${l.p99} ms`];
  const { a, b, c, d, e } = results;
  if (a) figures.push(['(a) bare Koa + HMAC, no durability', `${a.perSecond} req/s`, ...ms(a.latencyMs), errors(a.non2xx, a.errors)]);
  if (b) figures.push(['(b) client.workflow.start', `${b.perSecond} starts/s`, ...ms(b.latencyMs), b.errors ? `${b.errors} errors` : '']);
  if (c) figures.push(['(c) hookflow receiver', `${c.perSecond} accepted/s`, ...ms(c.latencyMs), c.errors ? `${c.errors} non-2xx or errors` : '']);
  const drained = (ok: boolean) => (ok ? '' : '; NOT ALL DONE in time');
  (d ?? []).forEach(({ hookflow: h, bare }, i) => {
    const round = d && d.length > 1 ? `, round ${i + 1}` : '';
    figures.push([
      `(d) hookflow no-op, ${h.workers} worker${round}`,
      `${h.succeeded.perSecond} events/s`,
      ...ms(h.succeeded.latencyMs),
      `${h.succeeded.completed}/${h.accepted} in ${h.succeeded.seconds} s; ingress ${h.ingress.perSecond}/s${drained(h.drained)}`,
    ]);
    figures.push([
      `(d) baseline: bare 1-activity workflow${round}`,
      `${bare.closed.perSecond} events/s`,
      ...ms(bare.closed.latencyMs),
      `${bare.closed.completed}/${bare.ingress.ok} in ${bare.closed.seconds} s; starts ${bare.ingress.perSecond}/s${drained(bare.drained)}`,
    ]);
  });
  for (const run of e ?? []) {
    figures.push([
      `(e) hookflow ${IO_WAIT_MS} ms I/O, ${run.workers} worker${run.workers > 1 ? 's' : ''}`,
      `${run.succeeded.perSecond} events/s`,
      ...ms(run.succeeded.latencyMs),
      `${run.succeeded.completed}/${run.accepted} in ${run.succeeded.seconds} s; ingress ${run.ingress.perSecond}/s${drained(run.drained)}`,
    ]);
  }
  for (const { stored, run } of results.f ?? []) {
    figures.push([
      `(f) hookflow no-op, ${stored} events stored`,
      `${run.succeeded.perSecond} events/s`,
      ...ms(run.succeeded.latencyMs),
      `${run.succeeded.completed}/${run.accepted} in ${run.succeeded.seconds} s; ingress ${run.ingress.perSecond}/s${drained(run.drained)}`,
    ]);
  }
  const targets: string[][] = [['ratio / figure', 'value', 'target', '']];
  for (const row of rows) {
    targets.push([
      row.figure,
      `${row.value}${row.unit === 'x' ? '' : ` ${row.unit}`}`,
      row.target ? `${row.target.op} ${row.target.bound}${row.unit === 'x' ? '' : ` ${row.unit}`}` : '(info)',
      row.met === undefined ? '' : row.met ? 'met' : 'MISSED',
    ]);
  }
  const cpu: string[][] = [
    ['CPU during', 'cores busy (CPU ms per request or event), by process; self: the bench process, load generator included; machine: every process'],
  ];
  // CPU time per event holds still when the machine's load moves the throughput: the steadier
  // figure for comparing two runs.
  const busy = (use: CpuUse | undefined, events: number) =>
    use
      ? Object.entries(use.cores)
          .filter(([, cores]) => cores > 0)
          .map(([name, cores]) => `${name} ${cores.toFixed(2)} (${((cores * use.wallSeconds * 1000) / events).toFixed(1)})`)
          .join(', ')
      : '';
  if (a) cpu.push(['(a)', busy(a.cpu, a.ok)]);
  if (b) cpu.push(['(b)', busy(b.cpu, b.ok)]);
  if (c) cpu.push(['(c)', busy(c.cpu, c.ok)]);
  (d ?? []).forEach(({ hookflow, bare }, i) => {
    const round = d && d.length > 1 ? ` ${i + 1}` : '';
    cpu.push([`(d) hookflow${round}`, busy(hookflow.cpu, hookflow.succeeded.completed)], [`(d) baseline${round}`, busy(bare.cpu, bare.closed.completed)]);
  });
  for (const run of e ?? []) cpu.push([`(e) ${run.workers} worker${run.workers > 1 ? 's' : ''}`, busy(run.cpu, run.succeeded.completed)]);
  const load = Object.entries(loadAverages).map(([when, [one]]) => `${when} ${one}`).join(', ');
  return `${align(figures)}\n\n${align(targets)}\n\n${align(cpu)}\n1-minute load average: ${load}\np50/p99: per request for (a)-(c); for (d)-(e), each event's request to succeeded (start to close for the
baseline) within a batch sent at full speed, so mostly time queued behind the rest of the batch.`;
}

function errors(non2xx: number, connErrors: number): string {
  return [non2xx ? `${non2xx} non-2xx` : '', connErrors ? `${connErrors} errors` : ''].filter(Boolean).join(', ');
}

function align(table: string[][]): string {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}
