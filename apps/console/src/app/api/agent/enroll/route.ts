import { EnrollRequest } from "@dmvpn/protocol";
import { DomainError } from "~/server/errors";
import { getRuntime } from "~/server/runtime";
import { consoleBaseUrl, websocketUrlOf } from "~/server/services/agent-install";
import { enrollAgent } from "~/server/services/enrollment";

const MAX_BODY_BYTES = 16 * 1024;

/** POST /api/agent/enroll: one-time token in, per-site credential out. The token is never logged. */
export async function POST(req: Request) {
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return Response.json({ error: "request too large" }, { status: 413 });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return Response.json({ error: "request body must be JSON" }, { status: 400 });
  }
  const parsed = EnrollRequest.safeParse(body);
  if (!parsed.success) return Response.json({ error: "invalid enrolment request" }, { status: 400 });
  try {
    const result = await enrollAgent(getRuntime().db, parsed.data, websocketUrlOf(consoleBaseUrl(req)));
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    if (err instanceof DomainError) return Response.json({ error: err.message }, { status: 401 });
    throw err;
  }
}
