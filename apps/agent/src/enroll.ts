import { ENROLL_PATH, EnrollError, type EnrollRequest, EnrollResponse } from "@dmvpn/protocol";

/** POST the one-time token; the caller stores the returned credential (never the token). */
export async function enroll(
  consoleUrl: string,
  request: EnrollRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<EnrollResponse> {
  const url = new URL(ENROLL_PATH, consoleUrl);
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new Error(`cannot reach the console at ${url.origin}: ${(e as Error).message}`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = EnrollError.safeParse(body);
    throw new Error(`enrolment refused (HTTP ${res.status})${err.success ? `: ${err.data.error}` : ""}`);
  }
  const parsed = EnrollResponse.safeParse(body);
  if (!parsed.success) throw new Error("the console sent an invalid enrolment response");
  return parsed.data;
}
