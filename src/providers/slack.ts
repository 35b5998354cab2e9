import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError } from '../errors/http-errors';
import { sha256Hex } from './crypto';
import { FORM_TYPE, JSON_TYPE, readPath, readString } from './payload';
import type { Payload, Provider, WebhookRequest } from './types';
import { v0Signature, v0SignedContent, verifyV0 } from './v0-signature';

/**
 * Slack: `X-Slack-Signature: v0=<hex>` over `v0:<X-Slack-Request-Timestamp>:<raw body>`, for the
 * Events API (JSON), slash commands (form) and interactivity (form field `payload` holding JSON).
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export const slackOptions = z.object({}).strict();
export type SlackOptions = z.infer<typeof slackOptions>;

const SIGNATURE_HEADER = 'x-slack-signature';
const TIMESTAMP_HEADER = 'x-slack-request-timestamp';
const DEFAULT_EVENT = 'app_mention';

const HEADERS = { signature: SIGNATURE_HEADER, timestamp: TIMESTAMP_HEADER, several: true };

function timestampOf(req: WebhookRequest): string | undefined {
  return req.headers[TIMESTAMP_HEADER]?.trim();
}

/** Slash commands and most interactions carry no delivery ID; the signed bytes identify them. */
function derivedId(req: WebhookRequest): string {
  return sha256Hex(v0SignedContent(timestampOf(req) ?? '', req.rawBody));
}

function unixSeconds(value: unknown): Date | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000) : undefined;
}

function requestTime(req: WebhookRequest): Date | undefined {
  const ts = timestampOf(req);
  return ts && /^\d{1,16}$/.test(ts) ? new Date(Number(ts) * 1000) : undefined;
}

function formField(payload: Payload, name: string): string | undefined {
  const value = readPath(payload, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function identifyInteraction(req: WebhookRequest, text: string) {
  let interaction: unknown;
  try {
    interaction = JSON.parse(text);
  } catch {
    throw new BadRequestError('form field payload is not valid JSON');
  }
  // trigger_id is minted once per user interaction (block_actions, shortcuts, message actions,
  // view_submission); view_closed and block_suggestion have none, so fall back to the signed bytes.
  return {
    id: readString(interaction, 'trigger_id') ?? derivedId(req),
    type: `interactive:${readString(interaction, 'type') ?? 'unknown'}`,
    occurredAt: requestTime(req),
  };
}

function identifyEvent(req: WebhookRequest, payload: Payload) {
  const outer = readString(payload, 'type');
  if (outer === 'event_callback') {
    const id = readString(payload, 'event_id');
    if (!id) throw new BadRequestError('missing event ID field event_id in the body');
    const type = readString(payload, 'event.type') ?? 'unknown';
    return { id, type, occurredAt: unixSeconds(readPath(payload, 'event_time')) };
  }
  // url_verification and app_rate_limited have no event_id: the outer type names them.
  return { id: derivedId(req), type: outer ?? 'unknown', occurredAt: requestTime(req) };
}

const team = { team_id: 'T0001', api_app_id: 'A0HOOKFLOW' };
const slackTs = (now: Date) => `${Math.floor(now.getTime() / 1000)}.${String(randomInt(0, 1e6)).padStart(6, '0')}`;
const triggerId = () => `${randomInt(1e11, 1e12)}.${randomInt(1e10, 1e11)}.${randomBytes(16).toString('hex')}`;

function sampleSlashCommand(command: string) {
  const form = new URLSearchParams({
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    team_id: team.team_id,
    team_domain: 'hookflow',
    channel_id: 'C2147483705',
    channel_name: 'deploys',
    user_id: 'U2147483697',
    user_name: 'ada',
    command,
    text: 'production',
    api_app_id: team.api_app_id,
    response_url: 'https://hooks.slack.com/commands/T0001/1234567890/abcdefghijklmnop',
    trigger_id: triggerId(),
  });
  return { body: Buffer.from(form.toString()), contentType: FORM_TYPE };
}

function sampleInteraction(type: string, now: Date) {
  const interaction = {
    type,
    team: { id: team.team_id, domain: 'hookflow' },
    user: { id: 'U2147483697', username: 'ada', team_id: team.team_id },
    api_app_id: team.api_app_id,
    trigger_id: triggerId(),
    container: { type: 'message', message_ts: slackTs(now), channel_id: 'C2147483705' },
    channel: { id: 'C2147483705', name: 'deploys' },
    response_url: 'https://hooks.slack.com/actions/T0001/1234567890/abcdefghijklmnop',
    actions: [
      { type: 'button', action_id: 'approve', block_id: 'deploy', value: 'production', action_ts: slackTs(now) },
    ],
  };
  const form = new URLSearchParams({ payload: JSON.stringify(interaction) });
  return { body: Buffer.from(form.toString()), contentType: FORM_TYPE };
}

function sampleEvent(type: string, now: Date) {
  const ts = slackTs(now);
  const body =
    type === 'url_verification'
      ? { token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: randomBytes(24).toString('base64url'), type }
      : {
          ...team,
          token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
          type: 'event_callback',
          event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
          event_time: Math.floor(now.getTime() / 1000),
          event: {
            type,
            user: 'U2147483697',
            text: '<@U0LAN0Z89> is it everything a river should be?',
            ts,
            channel: 'C2147483705',
            event_ts: ts,
          },
          authorizations: [{ team_id: team.team_id, user_id: 'U0LAN0Z89', is_bot: true }],
          event_context: `4-${randomBytes(12).toString('base64url')}`,
        };
  return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
}

export const slackProvider: Provider<SlackOptions> = {
  name: 'slack',
  options: slackOptions,
  defaultToleranceSeconds: 300,
  secretHeaders: () => [SIGNATURE_HEADER],

  verify(req, source, now) {
    return verifyV0(req, HEADERS, source, now);
  },

  handshake(req, payload) {
    if (req.contentType !== JSON_TYPE || readString(payload, 'type') !== 'url_verification') return undefined;
    const challenge = readPath(payload, 'challenge');
    return typeof challenge === 'string' ? { status: 200, body: { challenge } } : undefined;
  },

  identify(req, payload) {
    if (req.contentType !== FORM_TYPE) return identifyEvent(req, payload);
    const interaction = formField(payload, 'payload');
    if (interaction !== undefined) return identifyInteraction(req, interaction);
    return {
      id: derivedId(req),
      type: `slash_command:${formField(payload, 'command') ?? 'unknown'}`,
      occurredAt: requestTime(req),
    };
  },

  sign({ body, contentType, url, secret, now }) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    return {
      headers: {
        'content-type': contentType,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: v0Signature(secret, timestamp, body),
      },
      body,
      url,
      contentType,
    };
  },

  /**
   * The event type picks the kind of request: `/deploy` or `slash_command:/deploy` a slash command,
   * `interactive:block_actions` an interaction, anything else an Events API `event_callback`.
   */
  sample(eventType, now) {
    const type = eventType ?? DEFAULT_EVENT;
    if (type.startsWith('/')) return sampleSlashCommand(type);
    const [kind, rest] = [type.slice(0, type.indexOf(':') + 1), type.slice(type.indexOf(':') + 1)];
    if (kind === 'slash_command:') return sampleSlashCommand(rest || '/deploy');
    if (kind === 'interactive:') return sampleInteraction(rest || 'block_actions', now);
    return sampleEvent(type, now);
  },
};
