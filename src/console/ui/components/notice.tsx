/** Loading and failure states of a page, announced to screen readers. */
export function Notice({ error, loading }: { error?: string; loading?: boolean }) {
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (loading) return <p role="status">Loading…</p>;
  return null;
}
