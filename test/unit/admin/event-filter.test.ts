import { BadRequestError } from '../../../src/errors/http-errors';
import { parseEventFilter } from '../../../src/admin/event-filter';
import { eventsQuery } from '../../../src/admin/events-query';

describe('parseEventFilter(input)', () => {
  test('reads source, type, statuses and the time range', () => {
    expect(
      parseEventFilter({ source: 'stripe', type: 'invoice.paid', status: 'failed,cancelled', from: '2024-05-01', to: '2024-05-02T10:00:00Z' }),
    ).toEqual({
      source: 'stripe',
      type: 'invoice.paid',
      statuses: ['failed', 'cancelled'],
      from: new Date('2024-05-01T00:00:00Z'),
      to: new Date('2024-05-02T10:00:00Z'),
    });
  });

  test('an empty input is no filter; statuses may be a JSON array and are deduplicated', () => {
    expect(parseEventFilter({})).toEqual({});
    expect(parseEventFilter({ status: ['failed', 'failed', 'stale'] })).toEqual({ statuses: ['failed', 'stale'] });
  });

  test('times with an offset and milliseconds are accepted', () => {
    expect(parseEventFilter({ from: '2024-05-01T12:00:00.250+02:00' }).from).toEqual(new Date('2024-05-01T10:00:00.250Z'));
  });

  test.each([
    [{ status: 'bogus' }, 'unknown status "bogus"'],
    [{ status: 'failed,' }, 'unknown status ""'],
    [{ status: [] }, 'status must be one of'],
    [{ from: 'yesterday' }, 'from must be an ISO 8601 time'],
    [{ to: '2024-05-01T12:00:00' }, 'to must be an ISO 8601 time'], // no zone: whose 12:00?
    [{ from: '2024-13-45' }, 'from must be an ISO 8601 time'],
    [{ from: '2024-05-02', to: '2024-05-01' }, 'from must be earlier than to'],
    [{ source: ['a', 'b'] }, 'source must be a non-empty string'],
    [{ type: '' }, 'type must be a non-empty string'],
  ])('refuses %j with BadRequestError (%s)', (input, message) => {
    expect(() => parseEventFilter(input)).toThrow(BadRequestError);
    expect(() => parseEventFilter(input)).toThrow(message);
  });
});

describe('eventsQuery(filter, cursor)', () => {
  test('no filter and no cursor match everything', () => {
    expect(eventsQuery({})).toEqual({});
  });

  test('each field narrows, combined with $and; the range is [from, to) on listedAt (a replay: when it was made)', () => {
    const from = new Date('2024-05-01T00:00:00Z');
    const to = new Date('2024-05-02T00:00:00Z');
    expect(eventsQuery({ source: 'demo', type: 't', statuses: ['failed'], from, to })).toEqual({
      $and: [{ source: 'demo' }, { type: 't' }, { status: { $in: ['failed'] } }, { listedAt: { $gte: from } }, { listedAt: { $lt: to } }],
    });
  });

  test('excludeReplays leaves out documents with replayOf', () => {
    expect(eventsQuery({ type: 't', excludeReplays: true })).toEqual({ $and: [{ type: 't' }, { replayOf: { $exists: false } }] });
  });

  test('a cursor continues after the last event of the page: older, or as old with a smaller ID', () => {
    const listedAt = new Date('2024-05-01T10:00:00Z');
    expect(eventsQuery({ source: 'demo' }, { listedAt, id: 'demo:e5' })).toEqual({
      $and: [
        { source: 'demo' },
        { $or: [{ listedAt: { $lt: listedAt } }, { listedAt, _id: { $lt: 'demo:e5' } }] },
      ],
    });
  });
});
