import { Link, Route, Router, Switch, useLocation } from 'wouter-preact';
import { api } from './api';
import { DestinationsPage } from './pages/destinations-page';
import { EventPage } from './pages/event-page';
import { EventsPage } from './pages/events-page';
import { OverviewPage } from './pages/overview-page';
import { SignInPage } from './pages/sign-in-page';
import { SourcesPage } from './pages/sources-page';

const PAGES = [
  ['/', 'Overview'],
  ['/events', 'Events'],
  ['/sources', 'Sources'],
  ['/destinations', 'Destinations'],
] as const;

/** The console: a page per address under /console, with the navigation on every page. */
export function App() {
  return (
    <Router base="/console">
      <Switch>
        <Route path="/sign-in" component={SignInPage} />
        <Route>
          <Shell />
        </Route>
      </Switch>
    </Router>
  );
}

function Shell() {
  const [location] = useLocation();
  const current = (path: string) => (path === '/' ? location === '/' || location === '' : location.startsWith(path));
  const signOut = async () => {
    await api.delete('/session').catch(() => undefined);
    window.location.assign('/console/sign-in');
  };
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">hookflow</span>
        <nav aria-label="Console">
          <ul>
            {PAGES.map(([path, label]) => (
              <li key={path}>
                <Link href={path} aria-current={current(path) ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/" component={OverviewPage} />
          <Route path="/events" component={EventsPage} />
          <Route path="/events/:id">{(params: { id: string }) => <EventPage id={decodeParam(params.id)} />}</Route>
          <Route path="/sources" component={SourcesPage} />
          <Route path="/destinations" component={DestinationsPage} />
          <Route>
            <h1>Not found</h1>
            <p>
              <Link href="/">Back to the overview</Link>
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}

/** wouter decodes with decodeURI, which leaves `%3A` (`:`) and `%23` (`#`) of event IDs encoded. */
function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
