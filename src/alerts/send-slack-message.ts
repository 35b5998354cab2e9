import { classifyStatus } from '../forward/classify-response';
import { ForwardError } from '../forward/forward-error';

const TIMEOUT_MS = 10_000;

/**
 * POST a message to a Slack incoming webhook (https://api.slack.com/messaging/webhooks): JSON,
 * answered `200 ok`. Slack's refusals (400 invalid_payload, 403 action_prohibited, 404
 * no_service, 410 channel_is_archived) are permanent; 429 and 5xx are retried. Errors name the
 * channel, never the URL: it is the credential.
 */
export async function sendSlackMessage(url: string, body: string, deps: { signal?: AbortSignal; fetch?: typeof fetch } = {}): Promise<{ status: number }> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'hookflow' }, body, redirect: 'manual', signal });
  } catch (error) {
    if (deps.signal?.aborted) throw deps.signal.reason;
    if (timeout.aborted) throw ForwardError.timeout('slack', TIMEOUT_MS);
    throw ForwardError.unreachable('slack', error);
  }
  const text = (await response.text().catch(() => '')).slice(0, 200);
  const outcome = classifyStatus(response.status);
  if (outcome === 'success') return { status: response.status };
  throw ForwardError.httpStatus('slack', { status: response.status, statusText: response.statusText, body: text }, { retryable: outcome === 'retryable' });
}
