import { nextReplayNumber, replayWorkflowId } from '../../../src/admin/replay-id';

describe('replayWorkflowId / nextReplayNumber', () => {
  test('replayWorkflowId(id, n) is <id>#replay-<n>', () => {
    expect(replayWorkflowId('stripe:evt_1', 3)).toBe('stripe:evt_1#replay-3');
  });

  test('the first replay is 1', () => {
    expect(nextReplayNumber('demo:e', [])).toBe(1);
  });

  test('the next number follows the highest recorded one, gaps and string order notwithstanding', () => {
    expect(nextReplayNumber('demo:e', ['demo:e#replay-1', 'demo:e#replay-10', 'demo:e#replay-2'])).toBe(11);
    expect(nextReplayNumber('demo:e', ['demo:e#replay-4'])).toBe(5);
  });

  test('IDs of other events or not of the form are ignored', () => {
    expect(nextReplayNumber('demo:e', ['demo:e2#replay-7', 'demo:e#replay-x', 'demo:e#replay-01', 'demo:e#replay-3#replay-9'])).toBe(1);
  });
});
