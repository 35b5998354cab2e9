/**
 * Whether a JSON value must be stored as JSON text instead of as a document, so an acknowledged
 * event can always be recorded:
 * - FerretDB v1 (and MongoDB before 5.0) refuse field names containing `.` or starting with `$`,
 *   which JSON payloads may legally have;
 * - FerretDB over PostgreSQL stores documents as `jsonb`, which cannot hold U+0000 in any string
 *   (a JSON body's `"\u0000"`): the write fails, and the local activity would retry it forever.
 *   JSON text escapes it.
 */
export function needsJsonText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (value === null || typeof value !== 'object' || depth > 200) return false;
  if (Array.isArray(value)) return value.some((item) => needsJsonText(item, depth + 1));
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('.') || key.startsWith('$') || key.includes('\0')) return true;
    if (needsJsonText(child, depth + 1)) return true;
  }
  return false;
}

/**
 * Text hookflow writes itself (errors, refusal reasons) that may quote what a sender or a handler
 * wrote: U+0000 shown as `\u0000`, since FerretDB over PostgreSQL cannot store it (see above).
 */
export function storableText(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\\u0000') : text;
}

/** Header names may contain `.` too; percent-encode the three characters that matter, reversibly. */
export function storableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.replace(/[%.$]/g, encodeChar), value]));
}

function encodeChar(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}
