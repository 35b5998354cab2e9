/**
 * A JSON value as nested <details> (native, so keyboard and screen readers know how to open
 * them): objects and arrays collapse, the first levels start open.
 */
export function JsonTree({ value, label, depth = 0 }: { value: unknown; label?: string; depth?: number }) {
  const name = label === undefined ? null : <span class="json-key">{label}: </span>;
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
    const brackets = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      return (
        <div class="json-leaf">
          {name}
          <span class="json-punct">{brackets.join('')}</span>
        </div>
      );
    }
    return (
      <details class="json-node" open={depth < 2}>
        <summary>
          {name}
          <span class="json-punct">{brackets[0]}</span>
          <span class="json-count">
            {' '}
            {entries.length} {Array.isArray(value) ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'}{' '}
          </span>
          <span class="json-punct">{brackets[1]}</span>
        </summary>
        <div class="json-children">
          {entries.map(([key, child]) => (
            <JsonTree key={key} label={key} value={child} depth={depth + 1} />
          ))}
        </div>
      </details>
    );
  }
  return (
    <div class="json-leaf">
      {name}
      <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
    </div>
  );
}
