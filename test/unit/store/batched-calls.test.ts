import { batchedCalls, type ItemResult } from '../../../src/store/batched-calls';

/** A batched operation whose batches the test finishes by hand, recording each batch's items. */
function manual<T>() {
  const batches: T[][] = [];
  const finish: Array<(results: ItemResult<string>[] | Error) => void> = [];
  const call = batchedCalls<T, string>(
    (items) =>
      new Promise((resolve, reject) => {
        batches.push([...items]);
        finish.push((results) => (results instanceof Error ? reject(results) : resolve(results)));
      }),
    3,
  );
  const echo = (i: number) => finish[i]!(batches[i]!.map((item) => ({ value: `done ${String(item)}` })));
  return { call, batches, finish, echo };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('batchedCalls: group commit for a store operation', () => {
  test('a call with none in flight runs at once, alone', async () => {
    const { call, batches, echo } = manual<number>();
    const answer = call(1);
    expect(batches).toEqual([[1]]);
    echo(0);
    await expect(answer).resolves.toBe('done 1');
  });

  test('calls made during a flight go together as the next one, in call order, each with its own answer', async () => {
    const { call, batches, echo } = manual<number>();
    const first = call(1);
    const rest = [call(2), call(3), call(4)];
    expect(batches).toEqual([[1]]);
    echo(0);
    await first;
    await settle();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    echo(1);
    await expect(Promise.all(rest)).resolves.toEqual(['done 2', 'done 3', 'done 4']);
  });

  test('a batch holds at most maxBatch items; the rest go in the batch after', async () => {
    const { call, batches, echo } = manual<number>();
    const answers = [1, 2, 3, 4, 5, 6].map((n) => call(n));
    echo(0);
    await settle();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    echo(1);
    await settle();
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    echo(2);
    await expect(Promise.all(answers)).resolves.toHaveLength(6);
  });

  test("an item's own error fails that call only; a failed batch fails each of its calls; the next batch still runs", async () => {
    const { call, finish, echo } = manual<string>();
    const first = call('a');
    const [b, c] = [call('b'), call('c')];
    finish[0]!(new Error('connection closed'));
    await expect(first).rejects.toThrow('connection closed');
    await settle();
    finish[1]!([{ value: 'b ok' }, { error: new Error('c refused') }]);
    await expect(b).resolves.toBe('b ok');
    await expect(c).rejects.toThrow('c refused');
    const d = call('d');
    echo(2);
    await expect(d).resolves.toBe('done d');
  });

  test('a batch that answers too few results fails the calls left without one', async () => {
    const call = batchedCalls<number, number>(async () => []);
    await expect(call(1)).rejects.toThrow('a batch of 1 answered 0 results');
  });

  test('a run that throws synchronously fails its batch instead of escaping', async () => {
    const call = batchedCalls<number, number>(() => {
      throw new Error('bad input');
    });
    await expect(call(1)).rejects.toThrow('bad input');
  });
});
