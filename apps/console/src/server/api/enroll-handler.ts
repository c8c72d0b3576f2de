import { EnrollRequest } from "@dmvpn/protocol";
import { DomainError } from "../errors";
import { BODY_LIMITS, readBodyWithin } from "../http/body-limit";
import { getRuntime } from "../runtime";
import { consoleBaseUrl, websocketUrlOf } from "../services/agent-install";
import { enrollAgent } from "../services/enrollment";

/** POST /api/agent/enroll: one-time token in, per-site credential out. The token is never logged. */
export async function handleEnrollRequest(req: Request): Promise<Response> {
  const bytes = await readBodyWithin(req, BODY_LIMITS.unauthenticated);
  if (bytes instanceof Response) return bytes;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString("utf8"));
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
