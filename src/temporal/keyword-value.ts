/**
 * Temporal refuses a start whose search attribute value is larger than 2048 bytes (dynamic config
 * `frontend.searchAttributesSizeOfValueLimit`) with INVALID_ARGUMENT, and what it measures is the
 * value's payload: its JSON encoding in UTF-8, quotes and escapes included (a 5 000-character
 * type is refused as "value size 5002"). Issue #6.
 */
export const MAX_SEARCH_ATTRIBUTE_VALUE_BYTES = 2048;

/**
 * `value` cut to the longest prefix whose JSON encoding fits `maxBytes`, never splitting a code
 * point: what a Keyword search attribute can hold of it. The event itself keeps the whole value;
 * the attribute stays findable with `STARTS_WITH`. Free of Node APIs so workflows can use it too.
 */
export function keywordValue(value: string, maxBytes = MAX_SEARCH_ATTRIBUTE_VALUE_BYTES): string {
  // No code unit encodes to more than 6 bytes (`\u0000`), so short values need no walk.
  if (value.length * 6 + 2 <= maxBytes) return value;
  let bytes = 2; // the quotes
  let end = 0;
  for (const char of value) {
    bytes += encodedBytes(char.codePointAt(0)!);
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return value.slice(0, end);
}

/** Bytes of one code point in JSON.stringify's output, as UTF-8. */
function encodedBytes(code: number): number {
  if (code === 0x22 || code === 0x5c) return 2; // \" \\
  if (code < 0x20) return [0x08, 0x09, 0x0a, 0x0c, 0x0d].includes(code) ? 2 : 6; // \n, or \u001f
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 6; // a lone surrogate: JSON.stringify writes \ud800
  if (code < 0x10000) return 3;
  return 4;
}
