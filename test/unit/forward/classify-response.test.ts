import { classifyStatus } from '../../../src/forward/classify-response';

describe('classifyStatus', () => {
  test.each([
    [200, 'success'],
    [204, 'success'],
    [299, 'success'],
    [301, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [408, 'retryable'],
    [409, 'retryable'],
    [422, 'permanent'],
    [425, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [503, 'retryable'],
    [599, 'retryable'],
  ])('classifyStatus(%d) is %s', (status, expected) => {
    expect(classifyStatus(status)).toBe(expected);
  });
});
