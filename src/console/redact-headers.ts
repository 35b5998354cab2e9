/** Names that carry credentials in any provider's scheme, whatever the receiver kept. */
const SECRET_NAME = /authorization|signature|token|secret|password|cookie|api[-_]?key|credential|hmac|x-hub-|verification/i;

export const REDACTED = '[redacted]';

/**
 * Headers for display. The receiver already stores headers minus each provider's signature and
 * credential headers; the console hides anything that looks like one too (an old document, a
 * generic source's custom header), so no secret reaches the page.
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_NAME.test(name) ? REDACTED : value]));
}
