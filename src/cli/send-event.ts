import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, type HookflowConfig, type SourceConfig } from '../config/load-config';
import { FORM_TYPE, JSON_TYPE } from '../providers/payload';

/**
 * `hookflow send <source>`: build a sample event (or take --data), sign it exactly as the
 * source's provider would with the source's first secret, post it, print the answer.
 * The local equivalent of `stripe trigger`.
 */
export async function sendEvent(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      type: { type: 'string' },
      data: { type: 'string' },
      url: { type: 'string' },
      // For asymmetric providers (sendgrid) the config holds a public key; signing needs the private one.
      'key-file': { type: 'string' },
      // Perform the provider's endpoint handshake (Meta's GET challenge, Discord's PING, ...) instead.
      handshake: { type: 'boolean' },
    },
  });
  const config = loadConfig();
  const name = positionals[0];
  const source = name === undefined ? undefined : config.sources.get(name);
  if (!source) {
    console.error(`usage: hookflow send <source> [--type T] [--data file.json] [--url U] [--handshake]\nsources: ${[...config.sources.keys()].join(', ')}`);
    return 2;
  }
  const now = new Date();
  const { provider, settings } = source;
  const sample = values.data ? readData(values.data) : provider.sample(values.type, now);
  const postUrl = values.url ?? `${localBase(config)}/webhooks/${encodeURIComponent(source.name)}`;
  // URL-signing providers sign the URL the receiver will reconstruct, which is the public one when set.
  const posted = new URL(postUrl);
  const signUrl = config.server.publicUrl ? `${config.server.publicUrl.replace(/\/+$/, '')}${posted.pathname}${posted.search}` : postUrl;
  // Basic signs with a user (`name:password`), the others with the first secret.
  const users = (settings.options as { users?: string[] }).users;
  const secret = values['key-file'] ? readFileSync(values['key-file'], 'utf8').trim() : (settings.secrets[0] ?? users?.[0] ?? '');
  if (values.handshake) return sendHandshake(source, postUrl, secret, now, values.type);
  const signed = provider.sign(
    { body: sample.body, contentType: sample.contentType, url: signUrl, secret, now, eventType: values.type },
    settings.options,
  );
  const target = new URL(signed.url);
  const response = await fetch(`${posted.origin}${target.pathname}${target.search}`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  console.log(`${response.status} ${response.statusText}`);
  console.log(await response.text());
  return response.ok ? 0 : 1;
}

/** Slack and Zoom answer a handshake that is a signed event of a special type. */
const HANDSHAKE_TYPES: Record<string, string> = { slack: 'url_verification', zoom: 'endpoint.url_validation' };

/** `--handshake`: send the provider's handshake as it does, and say whether the answer is the one it expects. */
async function sendHandshake(source: SourceConfig, postUrl: string, secret: string, now: Date, type: string | undefined): Promise<number> {
  const { provider, settings } = source;
  const request = provider.handshakeRequest?.(settings.options, secret, now);
  if (!request) {
    const eventType = HANDSHAKE_TYPES[provider.name];
    if (!eventType) {
      console.error(`provider ${provider.name} has no endpoint handshake`);
      return 2;
    }
    const sample = provider.sample(type ?? eventType, now);
    const signed = provider.sign({ ...sample, url: postUrl, secret, now, eventType }, settings.options);
    const response = await fetch(postUrl, { method: 'POST', headers: signed.headers, body: signed.body });
    console.log(`${response.status} ${response.statusText}`);
    console.log(await response.text());
    return response.ok ? 0 : 1;
  }
  const response = await fetch(`${postUrl}${request.query ?? ''}`, {
    method: request.method,
    headers: request.body ? { 'content-type': 'application/json', ...request.headers } : request.headers,
    ...(request.body ? { body: request.body } : {}),
  });
  const text = await response.text();
  console.log(`${response.status} ${response.statusText}`);
  console.log(text);
  const expected = response.status === request.expect.status && (request.expect.body === undefined || text === request.expect.body);
  console.log(expected ? 'handshake answered as the provider expects' : `the provider expects ${request.expect.status} ${request.expect.body ?? ''}`);
  return expected ? 0 : 1;
}

function readData(file: string): { body: Buffer; contentType: string } {
  const body = readFileSync(file);
  try {
    JSON.parse(body.toString('utf8'));
    return { body, contentType: JSON_TYPE };
  } catch {
    return { body, contentType: FORM_TYPE };
  }
}

function localBase(config: HookflowConfig): string {
  const host = ['0.0.0.0', '::', ''].includes(config.server.host) ? '127.0.0.1' : config.server.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`;
}
