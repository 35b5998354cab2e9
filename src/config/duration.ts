const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const FORMAT = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** The problem with a duration's text, or undefined when it reads (`90s`, `30m`, `72h`, `7d`). */
export function durationProblem(text: string): string | undefined {
  const match = FORMAT.exec(text);
  if (!match) return 'a duration like 90s, 30m, 72h or 7d';
  return Number(match[1]) > 0 ? undefined : 'must be longer than 0';
}

/** Milliseconds in a duration such as `72h`; throws on text durationProblem refuses. */
export function parseDuration(text: string): number {
  const problem = durationProblem(text);
  if (problem) throw new Error(`${JSON.stringify(text)}: ${problem}`);
  const [, amount, unit] = FORMAT.exec(text)!;
  return Math.round(Number(amount) * UNITS[unit!]!);
}
