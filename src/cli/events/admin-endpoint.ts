import { env } from '../../config/env';
import { loadConfig, type HookflowConfig } from '../../config/load-config';

export interface AdminEndpoint {
  readonly url: string;
  readonly token: string;
}

export class NoAdminTokenError extends Error {
  constructor() {
    super('no admin token: set HOOKFLOW_ADMIN_TOKEN (or admin.token in the config) to the token the admin API was started with');
    this.name = 'NoAdminTokenError';
  }
}

/**
 * Where the admin API is and how to authenticate: HOOKFLOW_ADMIN_URL and HOOKFLOW_ADMIN_TOKEN,
 * falling back to the config file (http://<admin.host>:<admin.port>, admin.token). With both
 * variables set no config file is needed, so the CLI works from any machine.
 */
export function resolveAdminEndpoint(load: () => Pick<HookflowConfig, 'admin'> = loadConfig): AdminEndpoint {
  let url = env('HOOKFLOW_ADMIN_URL');
  let token = env('HOOKFLOW_ADMIN_TOKEN');
  if (url === undefined || token === undefined) {
    const { admin } = load();
    const host = ['0.0.0.0', '::', ''].includes(admin.host) ? '127.0.0.1' : admin.host;
    url ??= `http://${host.includes(':') ? `[${host}]` : host}:${admin.port}`;
    token ??= admin.token;
  }
  if (token === undefined) throw new NoAdminTokenError();
  return { url: url.replace(/\/+$/, ''), token };
}
