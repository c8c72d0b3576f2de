/**
 * Request body limits, one per endpoint class, enforced while the body streams in. A caller without a valid
 * credential gets the small limit (sign-in, first admin, enrolment need a few hundred bytes); the largest legitimate
 * authenticated body is a 20 MiB inventory import.
 */
export const BODY_LIMITS = {
  unauthenticated: 16 * 1024,
  authenticated: 21 * 1024 * 1024,
} as const;

export const payloadTooLarge = (limit: number) =>
  Response.json(
    { message: `the request body is larger than ${limit} bytes`, code: "PAYLOAD_TOO_LARGE" },
    { status: 413, headers: { "cache-control": "no-store" } },
  );

/** Whether the request may carry a body: a body stream, and no Content-Length of 0 (chunked has none). */
export const hasBody = (req: Request) =>
  req.method !== "GET" && req.method !== "HEAD" && req.body !== null && req.headers.get("content-length") !== "0";

/**
 * The body, read chunk by chunk and given up as soon as it passes `limit`: a declared Content-Length above the
 * limit is refused before reading. Reading simply stops (the stream is not cancelled, which would destroy the
 * socket before the 413 reaches the client); the server closes the connection once the reply is sent
 * (`prepareRequest` in node-request.ts).
 */
export async function readBodyWithin(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | Response> {
  if (Number(req.headers.get("content-length") ?? 0) > limit) return payloadTooLarge(limit);
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) return payloadTooLarge(limit);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** A copy of `req` whose body is read within `limit` (a 413 response instead when it is larger). */
export async function withBodyWithin(req: Request, limit: number): Promise<Request | Response> {
  if (!hasBody(req)) return req;
  const body = await readBodyWithin(req, limit);
  if (body instanceof Response) return body;
  const headers = new Headers(req.headers);
  headers.delete("transfer-encoding");
  headers.set("content-length", String(body.byteLength));
  return new Request(req.url, { method: req.method, headers, body, signal: req.signal });
}
