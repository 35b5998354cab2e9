import { Link } from 'wouter-preact';
import { eventPath } from '../api';
import { between, formatDuration, formatTime } from '../format';
import type { EventSummary } from '../types';
import { StatusBadge } from './status-badge';

/** Events as a table: each ID links to its page. Scrolls sideways on its own on narrow screens. */
export function EventsTable({ events, caption }: { events: EventSummary[]; caption: string }) {
  return (
    <div class="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Event</th>
            <th scope="col">Source</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td colSpan={7}>No events.</td>
            </tr>
          )}
          {events.map((event) => (
            <tr key={event.id}>
              <td>{formatTime(event.listedAt ?? event.receivedAt)}</td>
              <td class="id">
                <Link href={eventPath(event.id)}>{event.eventId}</Link>
                {event.replayOf && <span class="note"> replay</span>}
              </td>
              <td>{event.source}</td>
              <td>{event.type}</td>
              <td>
                <StatusBadge status={event.status} />
              </td>
              <td>{event.attempts ?? 0}</td>
              <td>{formatDuration(between(event.replayedAt ?? event.receivedAt, event.completedAt))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
