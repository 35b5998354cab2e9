import type { BenchResults } from './bench-results';
import type { Completion } from './summarize-completion';

export interface TargetRow {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  /** Absent: shown for information, no target. */
  readonly target?: { readonly op: '>=' | '<='; readonly bound: number };
  /** Absent when there is no target. */
  readonly met?: boolean;
}

/** The targets of the benchmark issue, next to the figures they judge. Never throws for a miss. */
export function evaluateTargets(results: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (figure: string, value: number, unit: string, target?: TargetRow['target']) => {
    if (!Number.isFinite(value)) return;
    const met = target ? (target.op === '>=' ? value >= target.bound : value <= target.bound) : undefined;
    rows.push({ figure, value: round(value), unit, ...(target ? { target, met } : {}) });
  };
  const { a, b, c, d, e } = results;
  if (b && c) {
    add('c/b throughput', c.perSecond / b.perSecond, 'x', { op: '>=', bound: 0.9 });
    add('p99(c)/p99(b)', c.latencyMs.p99 / b.latencyMs.p99, 'x', { op: '<=', bound: 1.3 });
  }
  if (a && c) add('c/a throughput', c.perSecond / a.perSecond, 'x');
  if (d && d.length > 0) {
    const bare = pooledPerSecond(d.map((round) => round.bare.closed));
    add('d/baseline (to succeeded)', pooledPerSecond(d.map((round) => round.hookflow.succeeded)) / bare, 'x', { op: '>=', bound: 0.8 });
    add('d/baseline (to workflow close)', pooledPerSecond(d.map((round) => round.hookflow.closed)) / bare, 'x');
    if (d.length > 1) d.forEach((round, i) => add(`d/baseline, round ${i + 1}`, round.hookflow.succeeded.perSecond / round.bare.closed.perSecond, 'x'));
  }
  if (e && e.length >= 2) {
    const [first, last] = [e[0], e[e.length - 1]];
    add(`e${last.workers}/e${first.workers}`, last.succeeded.perSecond / first.succeeded.perSecond, 'x', { op: '>=', bound: 2.5 });
  }
  const { f } = results;
  if (f && f.length >= 2) {
    for (const { stored, run } of f.slice(1)) add(`f${stored}/f${f[0].stored}`, run.succeeded.perSecond / f[0].run.succeeded.perSecond, 'x');
    const [first, last] = [f[0], f[f.length - 1]];
    const slope = ((last.run.succeeded.perSecond - first.run.succeeded.perSecond) / (last.stored - first.stored)) * 1_000;
    add('(f) events/s per 1 000 stored', slope, 'events/s');
  }
  const receivers = [c?.memory, ...(d ?? []).map((round) => round.hookflow.memory.receiver), ...(e ?? []).map((run) => run.memory.receiver)];
  const workers = [...(d ?? []).flatMap((round) => round.hookflow.memory.workers), ...(e ?? []).flatMap((run) => run.memory.workers)];
  const peak = (all: ({ peakRssMb: number } | undefined)[]) => Math.max(...all.map((m) => m?.peakRssMb ?? -Infinity));
  add('receiver peak RSS', peak(receivers), 'MB', { op: '<=', bound: 200 });
  add('worker peak RSS', peak(workers), 'MB', { op: '<=', bound: 400 });
  const bareWorkers = (d ?? []).map((round) => round.bare.memory);
  if (bareWorkers.some(Boolean)) add('bare worker peak RSS', peak(bareWorkers), 'MB');
  return rows;
}

/** Events per second over every round together: all their events over all their seconds. */
function pooledPerSecond(runs: readonly Completion[]): number {
  return runs.reduce((sum, run) => sum + run.completed, 0) / runs.reduce((sum, run) => sum + run.seconds, 0);
}

/** Three significant digits: c/a is a small fraction, RSS hundreds of MB. */
function round(value: number): number {
  return Number(value.toPrecision(3));
}
