import { ForbiddenError } from '../../../src/errors/http-errors';
import { UnauthorizedError } from '../../../src/admin/admin-errors';
import { checkBearerToken } from '../../../src/admin/check-bearer-token';

const TOKEN = 'admin-token-0123456789abcdef';

describe('checkBearerToken(authorization, token)', () => {
  test('accepts "Bearer <token>", the scheme in any case', () => {
    expect(() => checkBearerToken(`Bearer ${TOKEN}`, TOKEN)).not.toThrow();
    expect(() => checkBearerToken(`bearer ${TOKEN}`, TOKEN)).not.toThrow();
  });

  test.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`],
    ['"Bearer" without a token', 'Bearer'],
    ['the token without "Bearer"', TOKEN],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
  ])('throws UnauthorizedError (401, WWW-Authenticate: Bearer) for %s', (_, header) => {
    expect.assertions(3);
    try {
      checkBearerToken(header, TOKEN);
    } catch (error) {
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect((error as UnauthorizedError).status).toBe(401);
      expect((error as UnauthorizedError).headers['WWW-Authenticate']).toMatch(/^Bearer/);
    }
  });

  test.each([
    ['a wrong token', 'Bearer not-the-admin-token-at-all'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token with a character more', `Bearer ${TOKEN}x`],
    ['the token in another case', `Bearer ${TOKEN.toUpperCase()}`],
  ])('throws ForbiddenError (403) for %s', (_, header) => {
    expect(() => checkBearerToken(header, TOKEN)).toThrow(ForbiddenError);
    expect(() => checkBearerToken(header, TOKEN)).toThrow('wrong admin token');
  });

  test('the error never contains the token or the guess', () => {
    const messages = [`Bearer ${TOKEN}x`, 'Basic abc', undefined].map((header) => {
      try {
        checkBearerToken(header, TOKEN);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    });
    for (const message of messages) {
      expect(message).not.toContain(TOKEN);
      expect(message).not.toContain('abc');
    }
  });

  test('throws a programmer error when no token is configured', () => {
    expect(() => checkBearerToken('Bearer x', '')).toThrow('needs the configured admin token');
  });
});
