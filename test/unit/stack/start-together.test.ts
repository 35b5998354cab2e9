import { startTogether } from '../../../src/stack/start-together';

function server(name: string, stopped: string[]) {
  return { name, stop: async () => void stopped.push(name) };
}

describe('startTogether(starts)', () => {
  test('all start: their values, in order, none stopped', async () => {
    const stopped: string[] = [];
    const [temporal, mongo] = await startTogether([Promise.resolve(server('temporal', stopped)), Promise.resolve(server('mongo', stopped))]);
    expect([temporal.name, mongo.name]).toEqual(['temporal', 'mongo']);
    expect(stopped).toEqual([]);
  });

  test('one fails after the other started: the started one is stopped and the failure thrown', async () => {
    const stopped: string[] = [];
    const failing = new Promise<ReturnType<typeof server>>((_, reject) => setImmediate(() => reject(new Error('Temporal exited (2)'))));
    await expect(startTogether([failing, Promise.resolve(server('mongo', stopped))])).rejects.toThrow('Temporal exited (2)');
    expect(stopped).toEqual(['mongo']);
  });

  test('one that starts only after the other failed is stopped too', async () => {
    const stopped: string[] = [];
    const slow = new Promise<ReturnType<typeof server>>((resolve) => setTimeout(() => resolve(server('mongo', stopped)), 20));
    await expect(startTogether([Promise.reject(new Error('no CLI')), slow])).rejects.toThrow('no CLI');
    expect(stopped).toEqual(['mongo']);
  });
});
