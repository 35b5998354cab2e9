import { useState } from 'preact/hooks';
import { useLocation, useSearch } from 'wouter-preact';
import { api } from '../api';
import { EventsTable } from '../components/events-table';
import { Notice } from '../components/notice';
import { isoToLocalInput, localInputToIso } from '../format';
import { EVENT_STATUSES, type EventPage, type EventSummary, type SourceStats } from '../types';
import { useData } from '../use-data';

const FILTERS = ['source', 'type', 'status', 'from', 'to'] as const;
const PAGE_SIZE = 25;
const LIVE_REFRESH_MS = 5_000;

/**
 * Events, newest first, filtered by the address's query (so a filtered list can be bookmarked
 * and Back works), a page at a time by the API's cursor; live refresh reloads the first page.
 */
export function EventsPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const cursor = params.get('cursor') ?? undefined;
  const q = params.get('q') ?? undefined;
  const [live, setLive] = useState(true);
  const [previous, setPrevious] = useState<string[]>([]);

  const query = new URLSearchParams();
  for (const field of FILTERS) {
    const value = params.get(field);
    if (value) query.set(field, value);
  }
  query.set('limit', String(PAGE_SIZE));
  if (cursor) query.set('cursor', cursor);
  const key = q ? `search ${q}` : query.toString();
  const page = useData<EventPage>(
    key,
    () => (q ? api.get<{ events: EventSummary[] }>(`/search?${new URLSearchParams({ q })}`).then((r) => ({ events: r.events, nextCursor: null })) : api.admin.get<EventPage>(`/events?${query}`)),
    live && !cursor ? LIVE_REFRESH_MS : undefined,
  );
  const sources = useData<{ sources: SourceStats[] }>('sources', () => api.get('/sources'));

  const go = (next: URLSearchParams) => navigate(`/events${next.toString() ? `?${next}` : ''}`);
  const applyFilters = (values: Record<(typeof FILTERS)[number], string>) => {
    const next = new URLSearchParams();
    for (const field of FILTERS) {
      const raw = values[field].trim();
      const value = field === 'from' || field === 'to' ? localInputToIso(raw) : raw;
      if (value) next.set(field, value);
    }
    setPrevious([]);
    go(next);
  };
  const applySearch = (value: string) => go(new URLSearchParams(value ? { q: value } : {}));
  const pageTo = (nextCursor: string | undefined, back: boolean) => {
    const next = new URLSearchParams(params);
    if (nextCursor) next.set('cursor', nextCursor);
    else next.delete('cursor');
    setPrevious(back ? previous.slice(0, -1) : [...previous, cursor ?? '']);
    go(next);
  };

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <FilterForm key={search} params={params} sources={(sources.data?.sources ?? []).map((s) => s.name)} onApply={applyFilters} onClear={() => go(new URLSearchParams())} />
      <div class="toolbar">
        <SearchForm key={`q ${q ?? ''}`} initial={q ?? ''} onSearch={applySearch} />
        <label class="checkbox">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} /> Live refresh
        </label>
      </div>
      <Notice error={page.error} loading={page.loading && !page.data} />
      {page.data && <EventsTable events={page.data.events} caption={q ? `Events matching ${q}` : 'Events, newest first'} />}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={!cursor} onClick={() => pageTo(previous.at(-1) || undefined, true)}>
          Previous page
        </button>
        <button type="button" disabled={!page.data?.nextCursor} onClick={() => pageTo(page.data?.nextCursor ?? undefined, false)}>
          Next page
        </button>
      </nav>
    </section>
  );
}

/**
 * The filters, as typed: their own state, started from the address, so a live refresh of the
 * list never wipes what the operator is typing; Apply puts them in the address.
 */
function FilterForm({ params, sources, onApply, onClear }: { params: URLSearchParams; sources: string[]; onApply(values: Record<(typeof FILTERS)[number], string>): void; onClear(): void }) {
  const [values, setValues] = useState(() => ({
    source: params.get('source') ?? '',
    type: params.get('type') ?? '',
    status: params.get('status') ?? '',
    from: isoToLocalInput(params.get('from') ?? undefined),
    to: isoToLocalInput(params.get('to') ?? undefined),
  }));
  const set = (field: (typeof FILTERS)[number]) => (event: Event) => setValues({ ...values, [field]: (event.currentTarget as HTMLInputElement).value });
  return (
    <form
      class="filters"
      aria-label="Filter events"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(values);
      }}
    >
      <div class="field">
        <label for="filter-source">Source</label>
        <select id="filter-source" value={values.source} onChange={set('source')}>
          <option value="">Any source</option>
          {[...new Set([...sources, ...(values.source ? [values.source] : [])])].map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-type">Type</label>
        <input id="filter-type" type="text" placeholder="invoice.paid" value={values.type} onInput={set('type')} />
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" value={values.status} onChange={set('status')}>
          <option value="">Any status</option>
          {EVENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-from">From</label>
        <input id="filter-from" type="datetime-local" value={values.from} onInput={set('from')} />
      </div>
      <div class="field">
        <label for="filter-to">To</label>
        <input id="filter-to" type="datetime-local" value={values.to} onInput={set('to')} />
      </div>
      <div class="buttons">
        <button type="submit" class="primary">
          Apply filters
        </button>
        <button type="button" onClick={onClear}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** The event-ID search, with its own state like the filters. */
function SearchForm({ initial, onSearch }: { initial: string; onSearch(value: string): void }) {
  const [value, setValue] = useState(initial);
  return (
    <form
      class="search"
      role="search"
      aria-label="Find an event by ID"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(value.trim());
      }}
    >
      <label for="search-id">Event ID</label>
      <input id="search-id" type="search" placeholder="evt_… or source:evt_…" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit">Search</button>
    </form>
  );
}
