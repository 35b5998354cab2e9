/** A status as text with a color: the text carries the meaning, the color only helps. */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status.replace(/[^a-z]/gi, '-').toLowerCase()}`}>{status}</span>;
}
