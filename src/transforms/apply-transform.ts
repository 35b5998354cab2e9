import type { HandlerEvent } from '../handlers/types';
import { TransformError } from './transform-error';
import type { Transform, TransformOutput } from './transform-types';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Run one transform and check what it returned. Used by the worker's activity and by
 * `hookflow transform`, so both judge an output alike. Throws TransformError, whose message says
 * what was wrong; the output is returned as plain JSON (a Date becomes its ISO string).
 */
export async function applyTransform(name: string, transform: Transform, event: HandlerEvent): Promise<TransformOutput> {
  let output: unknown;
  try {
    output = await transform(event);
  } catch (error) {
    throw new TransformError(name, error instanceof Error ? error.message : String(error));
  }
  return checkOutput(name, output);
}

function checkOutput(name: string, output: unknown): TransformOutput {
  if (output === null || typeof output !== 'object' || Array.isArray(output) || !('payload' in output)) {
    throw new TransformError(name, 'must return an object with a payload ({ payload, headers?, type? })');
  }
  const { payload, headers, type } = output as Record<string, unknown>;
  if (payload === undefined) throw new TransformError(name, 'returned an undefined payload');
  let json: unknown;
  try {
    json = JSON.parse(JSON.stringify(payload));
  } catch (error) {
    throw new TransformError(name, `returned a payload that is not JSON: ${(error as Error).message}`);
  }
  if (type !== undefined && (typeof type !== 'string' || type === '')) throw new TransformError(name, 'returned a type that is not a non-empty string');
  if (headers !== undefined) {
    if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) throw new TransformError(name, 'returned headers that are not an object');
    for (const [header, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(header)) throw new TransformError(name, `returned an invalid header name ${JSON.stringify(header)}`);
      if (typeof value !== 'string' || !HEADER_VALUE.test(value)) throw new TransformError(name, `returned an invalid value for header ${header}`);
    }
  }
  return {
    payload: json,
    ...(headers ? { headers: Object.fromEntries(Object.entries(headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])) } : {}),
    ...(type ? { type } : {}),
  };
}

/** The event as a transformed route's actions see it. */
export function transformedEvent(event: HandlerEvent, output: TransformOutput | undefined): HandlerEvent {
  if (!output) return event;
  return { ...event, payload: output.payload, type: output.type ?? event.type, headers: { ...event.headers, ...output.headers } };
}
