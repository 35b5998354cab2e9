export const CENSOR = '[redacted]';

/** Keys whose value is a secret wherever a log line holds them: at the top or one level down. */
const SECRET_KEYS = ['secret', 'secrets'];

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `headers` with every secret header censored, or `headers` itself when it has none. */
function redactHeaders(headers: Fields, secretHeaders: ReadonlySet<string>): Fields {
  let copy: Fields | undefined;
  for (const name of Object.keys(headers)) {
    if (secretHeaders.has(name.toLowerCase())) (copy ??= { ...headers })[name] = CENSOR;
  }
  return copy ?? headers;
}

/** One object's own secrets: its `secret`/`secrets` and its `headers`' secret headers. */
function redactLevel(fields: Fields, secretHeaders: ReadonlySet<string>): Fields {
  let copy: Fields | undefined;
  for (const key of SECRET_KEYS) {
    if (Object.hasOwn(fields, key)) (copy ??= { ...fields })[key] = CENSOR;
  }
  const headers = fields.headers;
  if (isObject(headers)) {
    const redacted = redactHeaders(headers, secretHeaders);
    if (redacted !== headers) (copy ??= { ...fields }).headers = redacted;
  }
  return copy ?? fields;
}

/**
 * The pino `formatters.log` that keeps secrets out of every line: `secret` and `secrets`, and the
 * secret headers of a `headers` object, at the top of the logged object or one level down
 * (`{ req: { headers } }`, `{ source: { secrets } }`). Header names match in any case.
 *
 * Why not pino's `redact` paths: one path per provider's header, at two depths, is 300 paths,
 * and pino runs its wildcard redactor on every field of every line: 0.2 ms a line, most of the
 * receiver's logging cost, for lines that almost never hold a header. This walks the two levels
 * once and copies only what it censors, so a line without secrets costs a few checks and the
 * caller's objects are never changed.
 */
export function secretRedactor(secretHeaders: Iterable<string>): (fields: Fields) => Fields {
  const names: ReadonlySet<string> = new Set([...secretHeaders].map((name) => name.toLowerCase()));
  return (fields) => {
    let line = redactLevel(fields, names);
    for (const key of Object.keys(line)) {
      const value = line[key];
      if (!isObject(value)) continue;
      const redacted = value instanceof Error ? redactError(value, names) : redactLevel(value, names);
      if (redacted !== value) {
        if (line === fields) line = { ...fields };
        line[key] = redacted;
      }
    }
    return line;
  };
}

/**
 * An error with a secret on it (a client error carrying its request's headers), censored on a
 * copy that is still an error of its class, with its message and stack, for pino's serializer.
 */
function redactError(error: Error, secretHeaders: ReadonlySet<string>): Fields {
  const fields = error as unknown as Fields;
  const own = { ...fields };
  const redacted = redactLevel(own, secretHeaders);
  if (redacted === own) return fields;
  return Object.assign(Object.create(Object.getPrototypeOf(error), Object.getOwnPropertyDescriptors(error)), redacted);
}
