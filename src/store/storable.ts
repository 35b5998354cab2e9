/**
 * FerretDB v1 (and MongoDB before 5.0) refuse field names containing `.` or starting with `$`,
 * which JSON payloads may legally have. Such values are stored as JSON text instead, so an
 * acknowledged event can always be recorded.
 */
export function hasUnstorableKeys(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || depth > 200) return false;
  if (Array.isArray(value)) return value.some((item) => hasUnstorableKeys(item, depth + 1));
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('.') || key.startsWith('$') || key.includes('\0')) return true;
    if (hasUnstorableKeys(child, depth + 1)) return true;
  }
  return false;
}

/** Header names may contain `.` too; percent-encode the three characters that matter, reversibly. */
export function storableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.replace(/[%.$]/g, encodeChar), value]));
}

function encodeChar(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}
