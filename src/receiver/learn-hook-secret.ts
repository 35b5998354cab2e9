import type { SourceConfig } from '../config/load-config';
import { ForbiddenError, ServiceUnavailableError } from '../errors/http-errors';
import type { Logger } from '../logging/logger';
import type { HandshakeReply, WebhookRequest } from '../providers/types';
import type { HookSecrets } from '../store/hook-secrets';

/**
 * Step 3a, for providers that hand their signing secret over at a handshake (Asana): a request
 * carrying the secret header is that handshake. Its secret is stored in MongoDB, shared by every
 * receiver, and echoed back. Any other request gets the stored secret added to the source's
 * `secrets` before it is verified. Returns the handshake's reply, or the source to verify with.
 */
export async function learnHookSecret(
  source: SourceConfig,
  req: WebhookRequest,
  store: HookSecrets,
  now: Date,
  retryAfterSeconds: number,
  logger: Logger,
): Promise<{ reply: HandshakeReply } | { source: SourceConfig }> {
  const header = source.provider.learnsSecret?.header;
  if (!header) return { source };
  try {
    const offered = req.headers[header]?.trim();
    if (offered) {
      if (!(await store.claim(source.name, offered, now))) {
        // Answering would let whoever calls first replace the secret that signs every event.
        throw new ForbiddenError(`a hook secret is already stored for ${source.name}; delete it from hook_secrets to register a new webhook`);
      }
      return { reply: { status: 200, headers: { [header]: offered } } };
    }
    const stored = await store.get(source.name);
    if (stored === undefined) return { source };
    return { source: { ...source, settings: { ...source.settings, secrets: [...source.settings.secrets, stored] } } };
  } catch (error) {
    if (error instanceof ForbiddenError) throw error;
    logger.error({ err: error, source: source.name }, 'cannot read or store the hook secret; answering 503');
    throw new ServiceUnavailableError('the hook secret store is unavailable; retry later', retryAfterSeconds);
  }
}
