import { actionErrorText, thrownMessage } from '../../../src/errors/action-error-text';
import { PermanentError } from '../../../src/handlers/permanent-error';

describe('actionErrorText(action, thrownMessage(error))', () => {
  test('a thrown Error and a PermanentError read the same way: `<action>: <message>`', () => {
    expect(actionErrorText('handler:flaky', thrownMessage(new Error('downstream is down')))).toBe('handler:flaky: downstream is down');
    expect(actionErrorText('handler:poison', thrownMessage(new PermanentError('cannot process this')))).toBe(
      'handler:poison: cannot process this',
    );
  });

  test('any other class is named, since it tells what kind of bug it is; non-errors are stringified', () => {
    expect(thrownMessage(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(thrownMessage('just a string')).toBe('just a string');
  });
});
