import { randomInt, randomUUID, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError, SignatureError } from '../errors/http-errors';
import { decodeDigest, hmac, matchAnySecret, type HmacAlgorithm } from './crypto';
import { JSON_TYPE } from './payload';
import type { Provider, WebhookRequest } from './types';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`. No timestamp.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export const githubOptions = z
  .object({
    /** Accept the legacy SHA-1 `X-Hub-Signature` when the SHA-256 header is absent (GitHub Enterprise Server < 3.0). */
    allowSha1: z.boolean().default(false),
  })
  .strict();
export type GithubOptions = z.infer<typeof githubOptions>;

const SHA256_HEADER = 'x-hub-signature-256';
const SHA1_HEADER = 'x-hub-signature';
const DEFAULT_EVENT = 'push';

interface Scheme {
  header: string;
  algorithm: HmacAlgorithm;
  bytes: number;
}

const SHA256: Scheme = { header: SHA256_HEADER, algorithm: 'sha256', bytes: 32 };
const SHA1: Scheme = { header: SHA1_HEADER, algorithm: 'sha1', bytes: 20 };

/**
 * SHA-256 wins whenever it is present: GitHub sends both headers, and falling back to SHA-1
 * after a failed SHA-256 check would let the weaker header decide.
 */
function schemeFor(req: WebhookRequest, allowSha1: boolean): Scheme {
  if (req.headers[SHA256_HEADER]) return SHA256;
  if (allowSha1 && req.headers[SHA1_HEADER]) return SHA1;
  const hint = req.headers[SHA1_HEADER] ? '; the legacy SHA-1 header is refused unless allowSha1 is set' : '';
  throw new SignatureError('missing_signature', `missing ${SHA256_HEADER} header${hint}`);
}

function signature(algorithm: HmacAlgorithm, secret: string, body: Buffer): string {
  return `${algorithm}=${hmac(algorithm, secret, body).toString('hex')}`;
}

function sampleBody(event: string, now: Date): Record<string, unknown> {
  const owner = { login: 'octocat', id: 583231, type: 'User', html_url: 'https://github.com/octocat' };
  const repository = {
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name: 'Hello-World',
    full_name: 'octocat/Hello-World',
    private: false,
    owner,
    html_url: 'https://github.com/octocat/Hello-World',
    default_branch: 'main',
  };
  if (event === 'ping') {
    return {
      zen: 'Design for failure.',
      hook_id: randomInt(1, 2 ** 31),
      hook: { type: 'Repository', active: true, events: ['push'], config: { content_type: 'json' } },
      repository,
      sender: owner,
    };
  }
  if (event === 'push') {
    const before = randomBytes(20).toString('hex');
    const after = randomBytes(20).toString('hex');
    const commit = {
      id: after,
      tree_id: randomBytes(20).toString('hex'),
      distinct: true,
      message: 'Fix the retry backoff',
      timestamp: now.toISOString(),
      url: `https://github.com/octocat/Hello-World/commit/${after}`,
      author: { name: 'The Octocat', email: 'octocat@github.com', username: 'octocat' },
      committer: { name: 'The Octocat', email: 'octocat@github.com', username: 'octocat' },
      added: [],
      removed: [],
      modified: ['src/retry.ts'],
    };
    return {
      ref: 'refs/heads/main',
      before,
      after,
      created: false,
      deleted: false,
      forced: false,
      compare: `https://github.com/octocat/Hello-World/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
      commits: [commit],
      head_commit: commit,
      repository,
      pusher: { name: 'octocat', email: 'octocat@github.com' },
      sender: owner,
    };
  }
  return { action: 'opened', repository, sender: owner };
}

export const githubProvider: Provider<GithubOptions> = {
  name: 'github',
  options: githubOptions,
  secretHeaders: () => [SHA256_HEADER, SHA1_HEADER],

  verify(req, { secrets, options }) {
    const scheme = schemeFor(req, options.allowSha1);
    const prefix = `${scheme.algorithm}=`;
    // One signature is sent; a list only appears if a proxy joined repeated headers.
    const candidates = (req.headers[scheme.header] ?? '')
      .split(/[\s,]+/)
      .filter((s) => s.startsWith(prefix))
      .map((s) => decodeDigest(s.slice(prefix.length), 'hex'))
      .filter((b): b is Buffer => b?.length === scheme.bytes);
    if (candidates.length === 0) {
      throw new SignatureError('malformed_signature', `${scheme.header} holds no ${prefix}<hex> signature`);
    }
    const secretIndex = matchAnySecret(secrets, candidates, (secret) => hmac(scheme.algorithm, secret, req.rawBody));
    return { secretIndex };
  },

  identify(req) {
    const id = req.headers['x-github-delivery']?.trim();
    if (!id) throw new BadRequestError('missing event ID header x-github-delivery');
    return { id, type: req.headers['x-github-event']?.trim() || 'unknown' };
  },

  sign({ body, contentType, url, secret, eventType }) {
    return {
      headers: {
        'content-type': contentType,
        'x-github-event': eventType ?? DEFAULT_EVENT,
        'x-github-delivery': randomUUID(),
        [SHA256_HEADER]: signature('sha256', secret, body),
        // GitHub still sends the SHA-1 header alongside, so receivers see both.
        [SHA1_HEADER]: signature('sha1', secret, body),
      },
      body,
      url,
      contentType,
    };
  },

  sample(eventType, now) {
    return { body: Buffer.from(JSON.stringify(sampleBody(eventType ?? DEFAULT_EVENT, now))), contentType: JSON_TYPE };
  },
};
