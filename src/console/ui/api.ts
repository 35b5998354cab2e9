/**
 * The console's calls to its server. The session is the HttpOnly cookie the browser sends by
 * itself; state-changing calls add the session's CSRF token, read once from /console/api/session.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    if (csrfToken === undefined) await loadSession();
    headers['x-csrf-token'] = csrfToken ?? '';
  }
  const response = await fetch(`/console/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401 && path !== '/session') {
    location.assign('/console/sign-in');
    throw new ApiError(401, 'signed out');
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, json?.error ?? `${response.status} ${response.statusText}`);
  return json as T;
}

export async function loadSession(): Promise<boolean> {
  try {
    const session = await call<{ csrfToken: string }>('GET', '/session');
    csrfToken = session.csrfToken;
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return false;
    throw error;
  }
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  delete: <T>(path: string) => call<T>('DELETE', path),
  /** The admin API's own routes, through the console's session. */
  admin: {
    get: <T>(path: string) => call<T>('GET', `/admin${path}`),
    post: <T>(path: string, body: unknown = {}) => call<T>('POST', `/admin${path}`, body),
  },
};

export const eventPath = (id: string) => `/events/${encodeURIComponent(id)}`;
