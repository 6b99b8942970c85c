import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status?: { code?: number };
}

/** A local OTLP/HTTP collector that accepts JSON trace exports (`POST /v1/traces`). */
export async function startFakeCollector() {
  const spans: ExportedSpan[] = [];
  const resources: Record<string, unknown>[] = [];
  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const part of req) raw += part;
    if (req.method !== 'POST' || req.url !== '/v1/traces' || !req.headers['content-type']?.includes('json')) {
      res.writeHead(400).end();
      return;
    }
    const body = JSON.parse(raw) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: Record<string, unknown> }[] };
        scopeSpans: {
          spans: (Omit<ExportedSpan, 'attributes'> & { attributes?: { key: string; value: Record<string, unknown> }[] })[];
        }[];
      }[];
    };
    const flatten = (attrs: { key: string; value: Record<string, unknown> }[] = []) =>
      Object.fromEntries(attrs.map((a) => [a.key, Object.values(a.value)[0]]));
    for (const rs of body.resourceSpans) {
      resources.push(flatten(rs.resource.attributes));
      for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, attributes: flatten(span.attributes) });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    resources,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
