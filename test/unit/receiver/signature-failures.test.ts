import { SignatureFailureCounter } from '../../../src/receiver/signature-failures';

describe('SignatureFailureCounter', () => {
  test('snapshot() is empty before any failure', () => {
    expect(new SignatureFailureCounter().snapshot()).toEqual([]);
  });

  test('increment(source, reason) counts each source and reason apart', () => {
    const counter = new SignatureFailureCounter();
    counter.increment('stripe', 'timestamp_too_old');
    counter.increment('stripe', 'timestamp_too_old');
    counter.increment('stripe', 'no_matching_signature');
    counter.increment('github', 'no_matching_signature');
    expect(counter.snapshot()).toEqual([
      { source: 'stripe', reason: 'timestamp_too_old', count: 2 },
      { source: 'stripe', reason: 'no_matching_signature', count: 1 },
      { source: 'github', reason: 'no_matching_signature', count: 1 },
    ]);
  });

  test('snapshot() is a copy: later increments do not change it', () => {
    const counter = new SignatureFailureCounter();
    counter.increment('demo', 'missing_signature');
    const before = counter.snapshot();
    counter.increment('demo', 'missing_signature');
    expect(before).toEqual([{ source: 'demo', reason: 'missing_signature', count: 1 }]);
  });
});
