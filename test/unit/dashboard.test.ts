import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Histogram, Summary, type Registry } from 'prom-client';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/schema';
import { createReceiverMetrics } from '../../src/metrics/create-receiver-metrics';
import { createWorkerMetrics } from '../../src/metrics/create-worker-metrics';
import { createReconciledCounter } from '../../src/metrics/reconciled-events-counter';
import { registerStackRestarts } from '../../src/metrics/stack-restarts-counter';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Target {
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
  datasource?: { uid?: string };
  gridPos: { h: number; w: number; x: number; y: number };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string | { query: string } }[] };
}

const dashboard = JSON.parse(read('deploy/grafana/dashboards/hookflow.json')) as Dashboard;

/** Every panel, those inside collapsed rows too. */
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);

/**
 * Grafana's variables replaced as Grafana does before a query reaches Prometheus: a range
 * variable by a duration, any other by a value (inside `"..."`, a regex matching all).
 */
const interpolate = (expr: string) =>
  expr.replace(/\$__(?:rate_)?interval\b|\$__range\b/g, '1m').replace(/\$\{?\w+\}?/g, '.*');

/**
 * The metric names a PromQL expression selects, read from Prometheus's own PromQL grammar
 * (@prometheus-io/lezer-promql, the parser of the Prometheus UI): the name of each vector
 * selector, or its `__name__` matcher. A histogram is queried through its series, so
 * `_bucket`, `_sum` and `_count` names come out as written. Throws on a syntax error.
 */
export function metricNames(expr: string): string[] {
  const text = interpolate(expr);
  const names: string[] = [];
  const cursor = parser.parse(text).cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL syntax error at ${cursor.from} in ${JSON.stringify(text)}`);
    const node = cursor.node;
    if (node.name === 'Identifier' && node.parent?.name === 'VectorSelector') names.push(text.slice(node.from, node.to));
    if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
      const label = node.getChild('LabelName') ?? node.getChild('QuotedLabelName');
      const value = node.getChild('StringLiteral');
      if (label && value && text.slice(label.from, label.to).replace(/"/g, '') === '__name__') names.push(JSON.parse(text.slice(value.from, value.to)) as string);
    }
  } while (cursor.next());
  return [...new Set(names)];
}

/** A template variable's metric: `label_values(metric, label)`; `label_values(label)` names none. */
function variableMetrics(query: string): string[] {
  const labelValues = /^\s*label_values\(\s*(.*?)\s*,\s*\w+\s*\)\s*$/.exec(query);
  if (labelValues) return metricNames(labelValues[1]!);
  if (/^\s*label_values\(\s*\w+\s*\)\s*$/.test(query)) return [];
  return metricNames(query.replace(/^\s*query_result\((.*)\)\s*$/, '$1'));
}

/** The series names a registry exposes: a histogram's three, a summary's quantiles and two more. */
function exposedNames(registry: Registry): string[] {
  return registry.getMetricsAsArray().flatMap((metric) => {
    const { name } = metric as unknown as { name: string };
    if (metric instanceof Histogram) return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
    if (metric instanceof Summary) return [name, `${name}_sum`, `${name}_count`];
    return [name];
  });
}

/** What the receiver and the worker register, as run-receiver.ts and run-worker.ts build them. */
function exportedNames(): Set<string> {
  const receiver = createReceiverMetrics();
  registerStackRestarts(receiver.registry, path.join(os.tmpdir(), 'no-stack-state.json'));
  const worker = createWorkerMetrics();
  createReconciledCounter(worker.registry);
  return new Set([...exposedNames(receiver.registry), ...exposedNames(worker.registry)]);
}

describe('metricNames (PromQL)', () => {
  test('finds the selected series, not functions, labels, durations, strings or variables', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, kind) (rate(a_bucket{x="b{c}", y=~"$source"}[$__rate_interval])))')).toEqual(['a_bucket']);
    expect(metricNames('sum(rate(a_sum[5m] offset 1h)) / on (job) group_left (instance) sum(rate(a_count[1m])) > bool 0')).toEqual(['a_sum', 'a_count']);
    expect(metricNames('max by (type) (backlog) or vector(0)')).toEqual(['backlog']);
    expect(metricNames('sum(rate({__name__="by_name_total", job="x"}[1m]))')).toEqual(['by_name_total']);
  });

  test('refuses what Prometheus would refuse', () => {
    expect(() => metricNames('sum(rate(a_total[1m])')).toThrow(/syntax error/);
    expect(() => metricNames('sum by (le (rate(a_bucket[1m]))')).toThrow(/syntax error/);
  });
});

describe('the Grafana dashboard (deploy/grafana/dashboards/hookflow.json)', () => {
  const panels = allPanels(dashboard.panels);
  const queried = panels.filter((panel) => panel.type !== 'row');
  const exported = exportedNames();

  test('every metric each panel and variable queries is one hookflow exports', () => {
    expect(queried.length).toBeGreaterThan(0);
    const unknown: string[] = [];
    for (const panel of queried) {
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const { expr } of panel.targets ?? []) {
        const names = metricNames(expr ?? '');
        // A query that selects nothing shows nothing: a typo, not a panel.
        expect({ panel: panel.title, expr, names: names.length > 0 }).toEqual({ panel: panel.title, expr, names: true });
        unknown.push(...names.filter((name) => !exported.has(name)).map((name) => `${panel.title}: ${name}`));
      }
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
      unknown.push(...variableMetrics(query).filter((name) => !exported.has(name)).map((name) => `$${variable.name}: ${name}`));
    }
    expect(unknown).toEqual([]);
  });

  test('covers deliveries by outcome, signature failures, ack latency, processing outcomes, action durations and backlog', () => {
    const used = new Set(queried.flatMap((panel) => (panel.targets ?? []).flatMap(({ expr }) => metricNames(expr ?? ''))));
    for (const name of [
      'hookflow_webhooks_received_total',
      'hookflow_signature_failures_total',
      'hookflow_ack_latency_seconds_bucket',
      'hookflow_events_processed_total',
      'hookflow_action_duration_seconds_bucket',
      'hookflow_task_queue_backlog',
    ]) {
      expect(used).toContain(name);
    }
  });

  test('is importable anywhere: a uid, unique panel IDs, inside the 24-column grid, its data source a variable', () => {
    expect(dashboard.uid).toBe('hookflow');
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { gridPos, title } of panels) expect({ title, fits: gridPos.x >= 0 && gridPos.x + gridPos.w <= 24 }).toEqual({ title, fits: true });
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const uids = queried.flatMap((panel) => [panel, ...(panel.targets ?? [])].map((query) => query.datasource?.uid));
    expect(new Set(uids)).toEqual(new Set(['${datasource}']));
  });
});

interface Service {
  image?: string;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
/** `host:container[:ro]` bind mounts of a service, host paths relative to the repository. */
const mounts = (svc: Service) =>
  (svc.volumes ?? []).map((volume) => {
    const [source, target] = volume.split(':') as [string, string];
    return { source, target };
  });

describe('docker-compose prometheus and grafana', () => {
  const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
    scrape_configs: { job_name: string; metrics_path?: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; port: number }[] }[];
  };
  const job = (name: string) => prometheus.scrape_configs.find((config) => config.job_name === name);

  test("Prometheus scrapes the receiver's port and every worker replica on worker.port", () => {
    const receiverPort = service('receiver').environment?.HOOKFLOW_PORT;
    expect(job('hookflow-receiver')).toMatchObject({ metrics_path: '/metrics', static_configs: [{ targets: [`receiver:${receiverPort}`] }] });
    const workerPort = configSchema.parse({ sources: {}, routes: [] }).worker.port;
    // By the service's DNS name, which answers every replica of `--scale worker=N`.
    expect(job('hookflow-worker')).toMatchObject({ metrics_path: '/metrics', dns_sd_configs: [{ names: ['worker'], port: workerPort }] });
  });

  test('the services mount files that exist: the Prometheus config, the provisioning, the dashboards', () => {
    for (const name of ['prometheus', 'grafana']) {
      for (const { source } of mounts(service(name)).filter((mount) => mount.source.startsWith('./'))) {
        expect({ name, source, exists: existsSync(path.join(root, source)) }).toEqual({ name, source, exists: true });
      }
      for (const { source } of mounts(service(name)).filter((mount) => !mount.source.startsWith('.'))) expect(Object.keys(compose.volumes)).toContain(source);
    }
    expect(mounts(service('prometheus'))).toContainEqual({ source: './deploy/prometheus/prometheus.yml', target: '/etc/prometheus/prometheus.yml' });
    const grafana = mounts(service('grafana'));
    expect(grafana).toContainEqual({ source: './deploy/grafana/provisioning', target: '/etc/grafana/provisioning' });
    // The dashboard provider reads where the dashboards are mounted.
    const provider = parse(read('deploy/grafana/provisioning/dashboards/hookflow.yml')) as { providers: { options: { path: string } }[] };
    const dashboards = grafana.find((mount) => mount.source === './deploy/grafana/dashboards');
    expect(dashboards?.target).toBe(provider.providers[0]!.options.path);
    expect(service('grafana').environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${dashboards?.target}/hookflow.json`);
  });

  test("Grafana's data source is the compose Prometheus, and no published port clashes", () => {
    const datasources = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { type: string; url: string }[] };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    expect(service('prometheus').ports).toContain('9090:9090');
    const published = Object.values(compose.services).flatMap((svc) => (svc.ports ?? []).map((port) => String(port).split(':').at(-2)));
    expect(new Set(published).size).toBe(published.length);
    expect(service('prometheus').image).toMatch(/^prom\/prometheus:v\d/);
    expect(service('grafana').image).toMatch(/^grafana\/grafana:\d/);
  });
});
