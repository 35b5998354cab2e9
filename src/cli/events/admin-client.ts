import type { AdminEndpoint } from './admin-endpoint';

/** A failed admin call: the API's status and its `error` message (status 0: no answer at all). */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export type AdminAction = 'retry' | 'replay' | 'terminate' | 'cancel';

/** The admin API over HTTP, answers as parsed JSON. */
export function createAdminClient({ url, token }: AdminEndpoint, fetchImpl: typeof fetch = fetch) {
  async function call(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<any> {
    let response: Response;
    try {
      response = await fetchImpl(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new AdminApiError(0, `cannot reach the admin API at ${url} (${cause?.code ?? cause?.message ?? (error as Error).message}); is the receiver running with an admin token?`);
    }
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) throw new AdminApiError(response.status, typeof json?.error === 'string' ? json.error : `${response.status} ${response.statusText}`);
    return json;
  }
  const event = (id: string) => `/events/${encodeURIComponent(id)}`;
  return {
    list: (query: Record<string, string>) => call('GET', `/events${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`),
    show: (id: string) => call('GET', event(id)),
    act: (id: string, action: AdminAction, body: Record<string, unknown>) => call('POST', `${event(id)}/${action}`, body),
    bulk: (action: 'retry' | 'replay', body: Record<string, unknown>) => call('POST', `/events/${action}`, body),
    /** Pause or resume a destination or a source (issue #13). */
    control: (kind: 'destinations' | 'sources', name: string, action: 'pause' | 'resume', body: Record<string, unknown>) =>
      call('POST', `/${kind}/${encodeURIComponent(name)}/${action}`, body),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;
