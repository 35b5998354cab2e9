import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { stackServerChecks } from '../../../src/health/stack-server-checks';
import { registerStackRestarts } from '../../../src/metrics/stack-restarts-counter';
import { readStackState, writeStackState } from '../../../src/stack/supervise/stack-state-file';

describe('the embedded stack state the receiver reads', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-stack-state-'));

  test('hookflow_stack_restarts_total reports, at each scrape, the counts the stack last wrote, zeros included', async () => {
    const file = path.join(dir, 'a', 'stack-state.json');
    const registry = new Registry();
    registerStackRestarts(registry, file);
    expect(await registry.metrics()).not.toMatch(/^hookflow_stack_restarts_total\{/m); // no file yet: no samples

    writeStackState(file, { restarts: { receiver: 0, 'worker-1': 2 }, down: [] });
    let text = await registry.metrics();
    expect(text).toContain('hookflow_stack_restarts_total{process="receiver"} 0');
    expect(text).toContain('hookflow_stack_restarts_total{process="worker-1"} 2');

    writeStackState(file, { restarts: { receiver: 1, 'worker-1': 3 }, down: ['receiver'] });
    text = await registry.metrics();
    expect(text).toContain('hookflow_stack_restarts_total{process="receiver"} 1');
    expect(text).toContain('hookflow_stack_restarts_total{process="worker-1"} 3');
  });

  test('a server the stack is restarting fails its /readyz check by name; workers and absent servers have none', async () => {
    const file = path.join(dir, 'checks.json');
    writeStackState(file, { restarts: { temporal: 0, postgres: 0, ferretdb: 0, 'worker-1': 0, receiver: 0 }, down: [] });
    const checks = stackServerChecks(file);
    expect(Object.keys(checks).sort()).toEqual(['ferretdb', 'postgres', 'temporal']);
    await expect(checks.ferretdb(2_000)).resolves.toBeUndefined();

    writeStackState(file, { restarts: { temporal: 0, postgres: 0, ferretdb: 1, 'worker-1': 0, receiver: 0 }, down: ['ferretdb', 'worker-1'] });
    await expect(checks.ferretdb(2_000)).rejects.toThrow('ferretdb is being restarted by hookflow start');
    await expect(checks.temporal(2_000)).resolves.toBeUndefined();
  });

  test('a missing, broken or odd file reads as nothing restarted and nothing down, and odd entries are dropped', () => {
    const empty = { restarts: {}, down: [] };
    expect(readStackState(path.join(dir, 'none.json'))).toEqual(empty);
    const file = path.join(dir, 'odd.json');
    writeFileSync(file, '{"restarts": {"receiver": 1}');
    expect(readStackState(file)).toEqual(empty);
    writeFileSync(file, '{"restarts": {"receiver": 1, "worker-1": -1, "x": 1.5, "y": "2"}, "down": ["ferretdb", 3]}');
    expect(readStackState(file)).toEqual({ restarts: { receiver: 1 }, down: ['ferretdb'] });
    writeFileSync(file, '{"restarts": [1], "down": "temporal"}');
    expect(readStackState(file)).toEqual(empty);
  });
});
