import { ForwardError } from '../../../src/forward/forward-error';

/** What fetch (undici) rejects with: a TypeError whose cause holds the socket error. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('ForwardError', () => {
  test('ForwardError.unreachable() finds the code inside an AggregateError from trying both IP families', () => {
    const cause = new AggregateError([
      withCode('connect ECONNREFUSED ::1:8080', 'ECONNREFUSED'),
      withCode('connect ECONNREFUSED 127.0.0.1:8080', 'ECONNREFUSED'),
    ]);
    const error = ForwardError.unreachable('billing', fetchFailed(cause));
    expect(error).toMatchObject({ name: 'ForwardError', reason: 'unreachable', retryable: true, status: undefined });
    expect(error.message).toBe('forward to billing: cannot connect (ECONNREFUSED)');
  });

  test('ForwardError.unreachable() says "connection failed" for a connection that broke after it was made', () => {
    const error = ForwardError.unreachable('billing', fetchFailed(withCode('other side closed', 'UND_ERR_SOCKET')));
    expect(error.message).toBe('forward to billing: connection failed (UND_ERR_SOCKET)');
    expect(ForwardError.unreachable('billing', new TypeError('fetch failed')).message).toBe(
      'forward to billing: connection failed (no error code)',
    );
  });

  test('ForwardError.httpStatus() falls back to the standard reason phrase and leaves out an empty body', () => {
    const error = ForwardError.httpStatus(
      'billing',
      { status: 502, statusText: '', body: ' \n ' },
      { retryable: true, retryAfterMs: 1000 },
    );
    expect(error).toMatchObject({ reason: 'status', status: 502, retryable: true, retryAfterMs: 1000 });
    expect(error.message).toBe('forward to billing: HTTP 502 Bad Gateway');
    expect(error).toBeInstanceOf(Error);
  });

  test('detail says what went wrong without the destination, which the action name already gives', () => {
    expect(ForwardError.timeout('billing', 500)).toMatchObject({ message: 'forward to billing timed out after 500 ms', detail: 'timed out after 500 ms' });
    expect(ForwardError.unreachable('billing', fetchFailed(withCode('x', 'ECONNREFUSED'))).detail).toBe('cannot connect (ECONNREFUSED)');
    const status = ForwardError.httpStatus('billing', { status: 400, statusText: 'Bad Request', body: 'no such account' }, { retryable: false });
    expect(status).toMatchObject({ message: 'forward to billing: HTTP 400 Bad Request: no such account', detail: 'HTTP 400 Bad Request: no such account' });
    expect(ForwardError.redirect('billing', { status: 301, statusText: '' }).detail).toMatch(/^HTTP 301 Moved Permanently; redirects are not followed/);
  });
});
