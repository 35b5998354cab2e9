import { useState } from 'preact/hooks';
import { ApiError, setCsrfToken } from '../api';

/**
 * The token is typed here and sent once in a POST body; the server answers with the session
 * cookie. It is never put in the address, in storage, or back on the page.
 */
export function SignInPage() {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('token') as HTMLInputElement;
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch('/console/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ token: input.value }),
      });
      const json = await response.json().catch(() => ({}));
      if (!response.ok) throw new ApiError(response.status, json.error ?? `${response.status}`);
      input.value = '';
      setCsrfToken(json.csrfToken);
      location.assign('/console');
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 403 ? 'Wrong admin token.' : (failure as Error).message);
      input.focus();
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <h1>hookflow console</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autoFocus />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <p class="note">The admin token is the one set as admin.token or HOOKFLOW_ADMIN_TOKEN.</p>
    </main>
  );
}
