import { SignatureError } from '../../../src/errors/http-errors';
import { checkTimestamp } from '../../../src/providers/crypto';
import { parseForm, readPath } from '../../../src/providers/payload';

describe('payload helpers', () => {
  test('parseForm() keeps repeated fields as arrays and built-in names as ordinary fields', () => {
    const fields = parseForm('a=1&a=2&__proto__=x&constructor=y&toString=z');
    expect(fields).toEqual({ a: ['1', '2'], ['__proto__']: 'x', constructor: 'y', toString: 'z' });
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(fields, '__proto__')).toBe(true);
  });

  test('readPath() reads own properties only', () => {
    expect(readPath({ a: { b: 'c' } }, 'a.b')).toBe('c');
    expect(readPath({}, 'constructor')).toBeUndefined();
  });

  test('checkTimestamp() rejects an unrepresentable time instead of passing it', () => {
    expect(() => checkTimestamp(new Date(Number.NaN), new Date(), 300)).toThrow(SignatureError);
  });
});
