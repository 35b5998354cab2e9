import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveConfig } from '../../../src/config/load-config';
import { applyTransform } from '../../../src/transforms/apply-transform';
import { TransformError } from '../../../src/transforms/transform-error';
import { previewRoutes } from '../../../src/transforms/preview-routes';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../../bin/hookflow.js');
const demo = { provider: 'hmac', secrets: [randomBytes(16).toString('hex')], signatureHeader: 'X-Sig', idField: 'id', typeField: 'type' };
const routes = [
  { source: 'demo', name: 'big', events: ['order.*'], filter: { body: { amount: { $gte: 1000 } } }, transform: 'toCents', actions: [{ handler: 'h' }] },
  { source: 'demo', events: ['refund.*'], actions: [{ handler: 'r' }] },
  { source: 'demo', name: 'broken', events: ['*'], transform: 'explode', actions: [{ handler: 'h' }] },
];

describe('applyTransform(name, fn, event)', () => {
  const event = { workflowId: 'demo:e', source: 'demo', provider: 'hmac', id: 'e', type: 't', receivedAt: new Date(), headers: {}, payload: {} };

  test('returns the output as plain JSON, header names lower-cased', async () => {
    const at = new Date();
    expect(await applyTransform('x', () => ({ payload: { at }, headers: { 'X-A': '1' }, type: 'y' }), event)).toEqual({
      payload: { at: at.toISOString() },
      headers: { 'x-a': '1' },
      type: 'y',
    });
  });

  test.each([
    [() => { throw new Error('nope'); }, 'nope'],
    [() => 42, 'must return an object with a payload'],
    [() => ({ payload: undefined }), 'returned an undefined payload'],
    [() => ({ payload: 1, type: '' }), 'returned a type that is not a non-empty string'],
    [() => ({ payload: 1, headers: { 'bad header': 'x' } }), 'returned an invalid header name "bad header"'],
    [() => ({ payload: 1, headers: { a: 'x\ny' } }), 'returned an invalid value for header a'],
    [() => ({ payload: 10n }), 'returned a payload that is not JSON'],
  ])('%s → TransformError %s', async (fn, message) => {
    const attempt = applyTransform('x', fn as never, event);
    await expect(attempt).rejects.toBeInstanceOf(TransformError);
    await expect(applyTransform('x', fn as never, event)).rejects.toThrow(message);
  });
});

describe('previewRoutes(config, routes, input, transforms)', () => {
  const config = resolveConfig({ sources: { demo }, routes }, '/x.json');
  const source = config.sources.get('demo')!;
  const transforms = {
    toCents: (event: { payload: unknown; id: string }) => ({ payload: { cents: (event.payload as { amount: number }).amount * 100, ref: event.id } }),
    explode: () => {
      throw new Error('boom');
    },
  };

  test('says, per route, whether it takes the event, why not, and what its transform returns or throws', async () => {
    const amount = randomInt(1000, 100_000);
    const previews = await previewRoutes(config, [0, 1, 2], { source, eventId: 'evt_1', type: 'order.paid', payload: { amount }, headers: {}, query: {}, now: new Date() }, transforms);
    expect(previews).toEqual([
      { route: 'big', taken: true, actions: ['handler:h'], transform: { name: 'toCents', output: { payload: { cents: amount * 100, ref: 'evt_1' } } } },
      { route: 'routes.1', taken: false, refused: 'type "order.paid" matches none of ["refund.*"]', actions: ['handler:r'] },
      { route: 'broken', taken: true, actions: ['handler:h'], transform: { name: 'explode', error: 'transform:explode: boom' } },
    ]);
    const [small] = await previewRoutes(config, [0], { source, eventId: 'e', type: 'order.paid', payload: { amount: 5 }, headers: {}, query: {}, now: new Date() }, transforms);
    expect(small).toEqual({ route: 'big', taken: false, refused: 'body.amount is 5, not $gte 1000', actions: ['handler:h'] });
  });
});

describe('hookflow transform <route-or-source> --data file.json (a real process, nothing started)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookflow-transform-'));
  writeFileSync(
    path.join(dir, 'handlers.js'),
    `exports.handlers = { h: () => null, r: () => null };
     exports.transforms = { toCents: (e) => ({ payload: { cents: e.payload.amount * 100, ref: e.id }, type: 'sale' }), explode: () => { throw new Error('boom'); } };`,
  );
  writeFileSync(path.join(dir, 'hookflow.config.json'), JSON.stringify({ handlers: './handlers.js', sources: { demo }, routes }));
  const amount = randomInt(1000, 100_000);
  writeFileSync(path.join(dir, 'event.json'), JSON.stringify({ id: 'evt_9', type: 'order.paid', amount }));
  const env = { ...process.env, HOOKFLOW_CONFIG: path.join(dir, 'hookflow.config.json') };

  test('a route by name: prints its filter verdict and its transform output as JSON, exit 0', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'transform', 'big', '--data', path.join(dir, 'event.json')], { env });
    expect(JSON.parse(stdout)).toEqual({
      source: 'demo',
      type: 'order.paid',
      routes: [{ route: 'big', taken: true, actions: ['handler:h'], transform: { name: 'toCents', output: { payload: { cents: amount * 100, ref: 'evt_9' }, type: 'sale' } } }],
    });
  }, 30_000);

  test('a source: every route of it; a throwing transform is reported and exits 1', async () => {
    const failed = await run(process.execPath, [BIN, 'transform', 'demo', '--data', path.join(dir, 'event.json')], { env }).catch((error: { code: number; stdout: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    const report = JSON.parse(failed.stdout);
    expect(report.routes.map((r: { route: string; taken: boolean }) => [r.route, r.taken])).toEqual([['big', true], ['routes.1', false], ['broken', true]]);
    expect(report.routes[2].transform).toEqual({ name: 'explode', error: 'transform:explode: boom' });
  }, 30_000);

  test('an unknown route or source is a usage error (exit 2) listing the routes and sources', async () => {
    const failed = await run(process.execPath, [BIN, 'transform', 'nope', '--data', path.join(dir, 'event.json')], { env }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(2);
    expect((failed as { stderr: string }).stderr).toContain('no route or source with routes named "nope"');
    expect((failed as { stderr: string }).stderr).toContain('routes: big, routes.1, broken');
  }, 30_000);
});
