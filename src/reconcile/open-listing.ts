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
  if (!settings.credential) throw new ReconcileError(source.name, 'set apiToken (env:VAR allowed) to list the hook\'s deliveries');
  if (!settings.hook) throw new ReconcileError(source.name, 'set hook: {"owner", "repo", "id"} or {"app": true}');
  // Octokit is ESM-only: loaded when needed (Node's require of ES modules), not at every start.
  const { Octokit } = (await import('@octokit/core')) as typeof import('@octokit/core');
  const octokit = new Octokit({ auth: settings.credential, ...(settings.apiUrl ? { baseUrl: settings.apiUrl.replace(/\/$/, '') } : {}) });
  const request: GithubRequest = (route, parameters) =>
    octokit.request(route, parameters) as Promise<{ data: unknown; headers: Record<string, string | undefined> }>;
  return listGithubDeliveries(request, settings.hook, since, call);
}
