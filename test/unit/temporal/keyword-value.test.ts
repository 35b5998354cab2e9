import fc from 'fast-check';
import { keywordValue, MAX_SEARCH_ATTRIBUTE_VALUE_BYTES } from '../../../src/temporal/keyword-value';

/** What Temporal measures: the bytes of the value's JSON payload (issue #6: "value size 5002"). */
const payloadBytes = (value: string) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('keywordValue(value)', () => {
  test('returns a value whose JSON encoding fits 2048 bytes unchanged', () => {
    for (const value of ['', 'payment_intent.succeeded', 't'.repeat(2_046), '😀'.repeat(511), '\u0000'.repeat(341)]) {
      expect(keywordValue(value)).toBe(value);
    }
  });

  test('issue #6: cuts a 5 000-character type to 2 046 characters, whose JSON payload is exactly 2 048 bytes', () => {
    const cut = keywordValue('t'.repeat(5_000));
    expect(cut).toBe('t'.repeat(2_046));
    expect(payloadBytes(cut)).toBe(MAX_SEARCH_ATTRIBUTE_VALUE_BYTES);
  });

  test('counts UTF-8 bytes, not UTF-16 units: 682 three-byte characters of 2 000', () => {
    expect(keywordValue('ア'.repeat(2_000))).toBe('ア'.repeat(682));
  });

  test('never splits a surrogate pair: 511 four-byte characters of 1 500 (2 046 bytes; one more is 2 050)', () => {
    const cut = keywordValue('😀'.repeat(1_500));
    expect(cut).toBe('😀'.repeat(511));
    expect(cut.isWellFormed()).toBe(true);
  });

  test('counts JSON escapes: 1 023 quotes of 1 100 (1 100 bytes of UTF-8, but 2 202 as JSON)', () => {
    expect(keywordValue('"'.repeat(1_100))).toBe('"'.repeat(1_023));
    expect(keywordValue('\u0000'.repeat(400))).toBe('\u0000'.repeat(341)); // `\u0000`: 6 bytes each
  });

  test('a lone surrogate counts as its escape, `\\udfff`, and stays as it was', () => {
    const cut = keywordValue(`a\udfff${'b'.repeat(3_000)}`);
    expect(cut).toBe(`a\udfff${'b'.repeat(2_046 - 7)}`);
    expect(payloadBytes(cut)).toBe(MAX_SEARCH_ATTRIBUTE_VALUE_BYTES);
  });

  test('for any string: a prefix that fits, ends on a code point boundary, and is the longest that does', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 3_000 }),
      fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', 'é', 'ア', '😀', '\ud800', '\udfff'), maxLength: 3_000 }),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 2, max: 2_100 }), (value, max) => {
        const cut = keywordValue(value, max);
        expect(value.startsWith(cut)).toBe(true);
        expect(payloadBytes(cut)).toBeLessThanOrEqual(max);
        if (cut === value) return;
        const next = String.fromCodePoint(value.codePointAt(cut.length)!);
        expect(payloadBytes(cut + next)).toBeGreaterThan(max);
        if (value.isWellFormed()) expect(cut.isWellFormed()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
