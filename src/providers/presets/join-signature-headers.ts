import { SignatureError } from '../../errors/http-errors';
import type { Provider, WebhookRequest } from '../types';

/**
 * A provider whose signatures arrive in several headers, one per key (Box's primary and
 * secondary, DocuSign's X-DocuSign-Signature-1..N), built from a preset that reads them as one
 * list header: any signature matching any configured secret verifies, which is what rotation
 * needs. The list header is made here from the real ones only, so a sender cannot supply it.
 */
export interface JoinedHeaders {
  /** The list header the preset's signature spec reads (not a header the provider sends). */
  readonly into: string;
  /** The headers that carry signatures, in the provider's order. */
  readonly from: readonly string[];
}

export function joinSignatureHeaders<O>(provider: Provider<O>, { into, from }: JoinedHeaders): Provider<O> {
  const joined = (req: WebhookRequest): WebhookRequest => {
    const values = from.map((h) => req.headers[h]?.trim()).filter((v): v is string => v !== undefined && v !== '');
    if (values.length === 0) throw new SignatureError('missing_signature', `missing ${from.length > 2 ? `${from[0]} (or another -N)` : from.join(' or ')} header`);
    return { ...req, headers: { ...req.headers, [into]: values.join(',') } };
  };
  return {
    ...provider,
    secretHeaders: (options) => [...new Set([...from, ...provider.secretHeaders(options).filter((h) => h !== into)])],
    verify: (req, source, now) => provider.verify(joined(req), source, now),
    sign(input, options) {
      // The provider sends the first key's signature in its first header.
      const signed = provider.sign(input, options);
      const { [into]: signature, ...headers } = signed.headers;
      return { ...signed, headers: { ...headers, [from[0]]: signature } };
    },
  };
}
