import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { RECEIVER_NODE_FLAGS } from '../../../src/receiver/receiver-node-flags';

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** Every way the project starts a receiver passes its Node flags (V8 reads them only at start). */
describe('the receiver starts with its Node flags everywhere', () => {
  test('npm run receiver', () => {
    const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.receiver;
    expect(script).toBe(`node ${RECEIVER_NODE_FLAGS.join(' ')} bin/hookflow.js receiver`);
  });

  test("the Dockerfile's CMD and docker-compose's receiver", () => {
    expect(read('Dockerfile')).toContain(`CMD ${JSON.stringify(['node', ...RECEIVER_NODE_FLAGS, 'bin/hookflow.js', 'receiver'])}`.replaceAll('","', '", "'));
    const compose = parse(read('docker-compose.yml')) as { services: Record<string, { command?: string[] }> };
    expect(compose.services.receiver.command).toEqual(['node', ...RECEIVER_NODE_FLAGS, 'bin/hookflow.js', 'receiver']);
  });

  test('hookflow start and the benchmark use the shared list', () => {
    for (const file of ['src/cli/start-stack.ts', 'bench/start-hookflow-process.ts']) expect(read(file)).toMatch(/command === 'receiver' \? RECEIVER_NODE_FLAGS : \[\]/);
  });
});
