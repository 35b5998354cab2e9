import { BadRequestError } from '../../../src/errors/http-errors';
import { decodeCursor, encodeCursor } from '../../../src/admin/event-cursor';

describe('encodeCursor / decodeCursor', () => {
  test('round-trip the position, IDs with any characters included', () => {
    const position = { listedAt: new Date('2024-05-01T10:00:00.123Z'), id: 'demo:a/b#replay-2 ✓' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[\w-]+$/); // URL-safe, no padding
    expect(decodeCursor(cursor)).toEqual(position);
  });

  test.each(['', 'not-a-cursor', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1]').toString('base64url'), Buffer.from('["x","y"]').toString('base64url')])(
    'decodeCursor(%j) throws BadRequestError',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(BadRequestError);
      expect(() => decodeCursor(cursor)).toThrow('invalid cursor');
    },
  );
});
