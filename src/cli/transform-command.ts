import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, type HookflowConfig } from '../config/load-config';
import { queryOf } from '../filters/query-of';
import { parseBody } from '../providers/payload';
import { routeLabel } from '../routing/resolve-plan';
import { loadTransforms } from '../transforms/load-transforms';
import { previewRoutes } from '../transforms/preview-routes';

const USAGE = `usage: hookflow transform <route-or-source> --data file.json [--headers h.json] [--query 'a=1&b=2'] [--type T] [--id ID]
  <route-or-source>  a route's name, routes.<index>, or a source (each of its routes)`;

/**
 * `hookflow transform`: what a route's filter and transform would do with this input, printed as
 * JSON. It loads the config and the handlers module's transforms and runs them here; it starts
 * nothing and connects to nothing. Exit 0 when every transform that ran returned an output, 1 when
 * one failed, 2 for a usage error.
 */
export async function transformCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { data: { type: 'string' }, headers: { type: 'string' }, query: { type: 'string' }, type: { type: 'string' }, id: { type: 'string' } },
  });
  const config = loadConfig();
  const target = positionals[0];
  const indexes = target === undefined ? [] : routesFor(config, target);
  if (target === undefined || indexes.length === 0 || !values.data) {
    const routes = config.routes.map((route, i) => routeLabel(route, i));
    const why = target !== undefined && indexes.length === 0 ? `no route or source with routes named ${JSON.stringify(target)}\n` : '';
    console.error(`${why}${USAGE}\nroutes: ${routes.join(', ') || '(none)'}\nsources: ${[...config.sources.keys()].join(', ')}`);
    return 2;
  }
  const source = config.sources.get(config.routes[indexes[0]].source)!;
  const rawBody = readFileSync(values.data);
  const headers = values.headers ? lowerCased(JSON.parse(readFileSync(values.headers, 'utf8')) as Record<string, string>) : {};
  const contentType = (headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
  const payload = parseBody(contentType, rawBody);
  // The ID and type as the source's provider reads them, unless given.
  let identity: { id?: string; type?: string } = {};
  try {
    identity = source.provider.identify({ rawBody, headers, url: `http://localhost/webhooks/${source.name}`, contentType, method: 'POST' }, payload, source.settings);
  } catch {
    identity = {};
  }
  const type = values.type ?? identity.type;
  if (!type) {
    console.error(`the ${source.provider.name} provider finds no event type in this input: pass --type\n${USAGE}`);
    return 2;
  }
  const names = [...new Set(indexes.flatMap((i) => (config.routes[i].transform ? [config.routes[i].transform!] : [])))];
  const transforms = loadTransforms(config.handlers, names);
  const routes = await previewRoutes(
    config,
    indexes,
    { source, eventId: values.id ?? identity.id ?? 'preview', type, payload, headers, query: values.query ? queryOf(`?${values.query.replace(/^\?/, '')}`) : {}, now: new Date() },
    transforms,
  );
  console.log(JSON.stringify({ source: source.name, type, routes }, null, 2));
  return routes.some((route) => route.transform?.error) ? 1 : 0;
}

/** A route by name or `routes.<i>`, else every route of a source by that name. */
function routesFor(config: HookflowConfig, target: string): number[] {
  const named = config.routes.findIndex((route, i) => routeLabel(route, i) === target || `routes.${i}` === target);
  if (named >= 0) return [named];
  return config.routes.flatMap((route, i) => (route.source === target ? [i] : []));
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}
