import type { SourceConfig } from '../config/load-config';
import { listGithubDeliveries, type GithubRequest } from './list-github-deliveries';
import { listStripeEvents, stripeClient } from './list-stripe-events';
import type { EventListing } from './provider-listing';
import { ReconcileError } from './reconcile-error';
import type { ReconcileSettings } from './reconcile-settings';
import { withApiRetries, type ApiRetryOptions } from './with-api-retries';

/** The provider's event listing through its official SDK: stripe, or Octokit for GitHub. */
export async function openListing(
  source: SourceConfig,
  settings: ReconcileSettings,
  since: Date,
  retry: ApiRetryOptions,
): Promise<EventListing> {
  const call = <T>(fn: () => Promise<T>) => withApiRetries(fn, retry);
  if (settings.provider === 'stripe') {
    if (!settings.credential) throw new ReconcileError(source.name, 'set apiKey (a secret or restricted key; env:VAR allowed) to list events');
    return listStripeEvents(stripeClient(settings.credential, settings.apiUrl), since, call);
  }
  const { hook } = settings;
  if (!hook) throw new ReconcileError(source.name, 'set hook: {"owner", "repo", "id"}, {"appId", "privateKey"} or {"app": true}');
  if (!('appId' in hook) && !settings.credential) {
    throw new ReconcileError(source.name, "set apiToken (env:VAR allowed) to list the hook's deliveries");
  }
  // Octokit is ESM-only: loaded when needed (Node's require of ES modules), not at every start.
  const { Octokit } = (await import('@octokit/core')) as typeof import('@octokit/core');
  const baseUrl = settings.apiUrl ? { baseUrl: settings.apiUrl.replace(/\/$/, '') } : {};
  // As the App, auth-app signs a JWT (RS256, `iss` = appId, 10 minutes) for the /app/hook routes,
  // renewed before it expires, so a long or scheduled run never holds a stale token.
  const octokit =
    'appId' in hook
      ? new Octokit({
          authStrategy: ((await import('@octokit/auth-app')) as typeof import('@octokit/auth-app')).createAppAuth,
          auth: { appId: hook.appId, privateKey: hook.privateKey },
          ...baseUrl,
        })
      : new Octokit({ auth: settings.credential, ...baseUrl });
  const request: GithubRequest = (route, parameters) =>
    octokit.request(route, parameters) as Promise<{ data: unknown; headers: Record<string, string | undefined> }>;
  return listGithubDeliveries(request, hook, since, call);
}
