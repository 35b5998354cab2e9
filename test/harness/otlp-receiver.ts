import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { listen } from '../../src/http/listen';

/** One span as a collector receives it, IDs in hex, attributes flattened. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** `service.name` of the resource that sent it. */
  readonly service: string;
  /** How it arrived: 'json' or 'protobuf'. */
  readonly encoding: 'json' | 'protobuf';
}

export interface OtlpReceiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT (the exporters append /v1/traces). */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Requests to anything but POST /v1/traces, which a collector would refuse. */
  readonly strayRequests: string[];
  close(): Promise<void>;
}

// The protobuf definitions of OTLP, as the OpenTelemetry JS exporter itself encodes with them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proto = require('@opentelemetry/otlp-transformer/build/src/generated/root').opentelemetry.proto;

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
type Attribute = { key: string; value?: AnyValue };

function attributeValue(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  return value.doubleValue;
}

const flatten = (attributes: Attribute[] = []) => Object.fromEntries(attributes.map(({ key, value }) => [key, attributeValue(value)]));

/**
 * A stand-in OpenTelemetry collector: the OTLP/HTTP traces endpoint (`POST /v1/traces`), taking
 * both encodings the spec defines, JSON (`application/json`, IDs as hex strings) and protobuf
 * (`application/x-protobuf`), gzipped or not, and answering as a collector does (200, an empty
 * ExportTraceServiceResponse).
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const strayRequests: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        strayRequests.push(`${req.method} ${req.url}`);
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const type = String(req.headers['content-type'] ?? '');
      const encoding = type.startsWith('application/x-protobuf') ? 'protobuf' : 'json';
      const request =
        encoding === 'protobuf'
          ? proto.collector.trace.v1.ExportTraceServiceRequest.toObject(proto.collector.trace.v1.ExportTraceServiceRequest.decode(body), {
              longs: String,
              bytes: String, // base64, turned into OTLP/JSON's hex below
              defaults: false,
            })
          : JSON.parse(body.toString('utf8'));
      for (const resourceSpans of request.resourceSpans ?? []) {
        const service = String(flatten(resourceSpans.resource?.attributes)['service.name'] ?? '');
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) {
            const id = (value: string | undefined) => (encoding === 'protobuf' ? Buffer.from(value ?? '', 'base64').toString('hex') : (value ?? ''));
            spans.push({
              traceId: id(span.traceId),
              spanId: id(span.spanId),
              parentSpanId: id(span.parentSpanId),
              name: span.name,
              kind: span.kind ?? 0,
              attributes: flatten(span.attributes),
              service,
              encoding,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json' });
      res.end(encoding === 'protobuf' ? Buffer.alloc(0) : '{}');
    });
  });
  const listening = await listen(server, '127.0.0.1', 0);
  return { url: listening.url, spans, strayRequests, close: () => listening.close() };
}
