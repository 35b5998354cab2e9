import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ENV_VARS } from '../../src/config/env';
import { configSchema } from '../../src/config/schema';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';

const root = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: string[] | Record<string, string | number | boolean | null>;
  ports?: Array<string | { target: number; published?: string | number }>;
  volumes?: Array<string | { type?: string; source?: string; target: string }>;
  container_name?: string;
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as Compose;
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** Host ports a service publishes, from short (`"8233:8080"`) or long syntax. */
function publishedPorts(svc: Service): number[] {
  return (svc.ports ?? []).map((port) => {
    if (typeof port === 'object') return Number(port.published ?? port.target);
    const parts = String(port).split(':');
    // "[ip:]host:container[/proto]": the host port is second from the end.
    return Number(parts.length === 1 ? parts[0] : parts[parts.length - 2]);
  });
}

/** Variable names set on a service, from either the list or the map form of `environment`. */
function envNames(svc: Service): string[] {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) return env.map((entry) => entry.split('=')[0]!);
  return Object.keys(env);
}

/** Named volumes a service mounts: a source that is neither a path nor absent. */
function namedVolumes(svc: Service): string[] {
  return (svc.volumes ?? []).flatMap((volume) => {
    const source = typeof volume === 'string' ? (volume.includes(':') ? volume.split(':')[0]! : '') : (volume.source ?? '');
    return source !== '' && !/^[./~]/.test(source) ? [source] : [];
  });
}

function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

describe('docker-compose.yml', () => {
  it('defines the whole stack', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'postgresql',
        'temporal',
        'temporal-admin-tools',
        'temporal-ui',
        'mongodb',
        'receiver',
        'worker',
      ]),
    );
  });

  it.each([
    ['temporal', 7233],
    ['temporal-ui', 8233],
    ['mongodb', 27017],
    ['receiver', 3000],
  ])('%s publishes port %d', (name, port) => {
    expect(publishedPorts(service(name))).toContain(port);
  });

  it('runs the official MongoDB image on a declared named volume', () => {
    const mongodb = service('mongodb');
    expect(mongodb.image).toMatch(/^mongo:/);
    const volumes = namedVolumes(mongodb);
    expect(volumes.length).toBeGreaterThan(0);
    for (const volume of volumes) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it("keeps Temporal's PostgreSQL data on a declared named volume", () => {
    const volumes = namedVolumes(service('postgresql'));
    expect(volumes.length).toBeGreaterThan(0);
    for (const volume of volumes) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it('lets the worker scale: no published ports, no fixed container name', () => {
    const worker = service('worker');
    expect(worker.ports).toBeUndefined();
    expect(worker.container_name).toBeUndefined();
  });

  it('registers every hookflow search attribute as a Keyword', () => {
    const admin = service('temporal-admin-tools');
    const script = `${text(admin.entrypoint)} ${text(admin.command)}`;
    expect(script).toContain('search-attribute create');
    expect(script).toContain('--type Keyword');
    for (const key of SEARCH_ATTRIBUTES) expect(script).toContain(key.name);
  });

  describe.each(['receiver', 'worker'])('%s', (name) => {
    it('sets only variables hookflow reads (src/config/env.ts)', () => {
      const names = envNames(service(name));
      expect(names.filter((variable) => !(variable in ENV_VARS))).toEqual([]);
    });

    it('points at the Temporal and MongoDB services', () => {
      expect(envNames(service(name))).toEqual(expect.arrayContaining(['TEMPORAL_ADDRESS', 'MONGODB_URI']));
    });

    it('runs the image built from this repository', () => {
      const svc = service(name);
      expect(svc.build).toBeDefined();
      expect(text(svc.command)).toContain(`bin/hookflow.js ${name}`);
    });
  });
});

describe('Dockerfile', () => {
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const all = (keyword: string) => instructions.filter((line) => line.toUpperCase().startsWith(`${keyword} `));

  it('builds on Node 20', () => {
    expect(all('FROM')[0]).toMatch(/^FROM\s+node:20\b/i);
  });

  it('installs dependencies from the lockfile', () => {
    expect(all('RUN').some((line) => /\bnpm ci\b/.test(line))).toBe(true);
  });

  it('runs as the unprivileged node user', () => {
    expect(all('USER').at(-1)).toMatch(/^USER\s+node$/i);
  });

  it('starts hookflow by default', () => {
    const cmd = all('CMD').at(-1);
    expect(cmd).toBeDefined();
    expect(cmd).toContain('bin/hookflow.js');
  });

  /** The instructions of each stage, by the stage's name (`FROM image AS name`). */
  const stages = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.set(from[1] ?? `stage${stages.size}`, (current = []));
    current.push(line);
  }
  const final = [...stages.values()].at(-1)!;
  const finalName = [...stages.keys()].at(-1)!;

  it('compiles the package in a build stage of its own: npm run build after installing every dependency', () => {
    expect(stages.size).toBeGreaterThanOrEqual(2);
    const build = [...stages.values()][0]!;
    expect(build.some((line) => /^RUN\s.*\bnpm ci\b/.test(line) && !line.includes('--omit=dev'))).toBe(true);
    expect(build.some((line) => /^RUN\s.*\bnpm run build\b/.test(line))).toBe(true);
  });

  it('runs the compiled package: production dependencies, dist/ from the build stage, no sources', () => {
    const buildName = [...stages.keys()][0]!;
    expect(final.some((line) => /^RUN\s.*\bnpm ci\b.*--omit=dev/.test(line))).toBe(true);
    expect(final.some((line) => new RegExp(`^COPY\\s+--from=${buildName}\\s+\\S*dist\\s`).test(line))).toBe(true);
    expect(final.filter((line) => /^COPY\s+(?:\S+\s+)*src\b/.test(line))).toEqual([]);
  });

  it('runs its final stage as the unprivileged node user', () => {
    expect(final.filter((line) => /^USER\s/i.test(line)).at(-1)).toMatch(/^USER\s+node$/i);
  });

  it("checks the receiver's /healthz in a HEALTHCHECK", () => {
    const check = final.find((line) => /^HEALTHCHECK\s/i.test(line));
    expect(check).toBeDefined();
    expect(check).toContain('/healthz');
    expect(check).toMatch(/HOOKFLOW_PORT/);
  });

  it.each(['receiver', 'worker'])("compose's %s runs the Dockerfile's final stage, one image for both", (name) => {
    const build = service(name).build as { context?: string; target?: string };
    expect(build).toMatchObject({ context: '.', target: finalName });
    expect(service(name).image).toBe(service('receiver').image);
  });

  it("compose checks the worker's /healthz on worker.port's default, not the receiver's", () => {
    const workerPort = configSchema.parse({ sources: {}, routes: [] }).worker.port;
    const check = text((service('worker') as { healthcheck?: { test?: string[] } }).healthcheck?.test);
    expect(check).toContain(`127.0.0.1:${workerPort}/healthz`);
  });
});
