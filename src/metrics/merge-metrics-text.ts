/** Sample names a family's own name expands to (histograms, summaries, counters, info). */
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', '_info'];

interface Family {
  readonly name: string;
  readonly lines: string[];
  readonly sampleNames: Set<string>;
}

/**
 * Append a second exposition (the Temporal SDK's, from its own exporter) to ours, so one scrape
 * of the worker gets both. A family the first text already has is dropped from the second, HELP,
 * TYPE and samples together: Prometheus rejects a scrape that declares a family twice.
 * `# EOF` (OpenMetrics) is dropped too, since it may only end the whole text.
 */
export function mergeMetricsText(base: string, extra: string): string {
  const taken = new Set<string>();
  for (const family of parseFamilies(base)) {
    taken.add(family.name);
    for (const name of family.sampleNames) taken.add(name);
  }
  const kept = parseFamilies(extra)
    .filter((family) => !taken.has(family.name) && ![...family.sampleNames].some((name) => taken.has(name)))
    .flatMap((family) => family.lines);
  const head = base.endsWith('\n') || base === '' ? base : `${base}\n`;
  return kept.length === 0 ? head : `${head}${kept.join('\n')}\n`;
}

/** Split exposition text into families: its HELP/TYPE comments and the samples that follow. */
function parseFamilies(text: string): Family[] {
  const families: Family[] = [];
  let current: Family | undefined;
  const start = (name: string) => {
    current = { name, lines: [], sampleNames: new Set() };
    families.push(current);
    return current;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('# EOF')) continue;
    const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
    if (meta) {
      const name = meta[2];
      (current?.name === name ? current : start(name)).lines.push(line);
      continue;
    }
    if (line.startsWith('#')) {
      current?.lines.push(line);
      continue;
    }
    const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (!sample) continue;
    const family = current && belongsTo(sample, current.name) ? current : start(sample);
    family.sampleNames.add(sample);
    family.lines.push(line);
  }
  return families;
}

function belongsTo(sample: string, family: string): boolean {
  return sample === family || SUFFIXES.some((suffix) => sample === `${family}${suffix}`);
}
