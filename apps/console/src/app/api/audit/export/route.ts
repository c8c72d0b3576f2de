import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { createCaller } from "~/server/api/root";
import { contextFromRequest } from "~/server/request-context";

/** The audit log as a file: ?format=csv|json plus the page's filters (entityType, action, actor, networkId). */
export async function GET(req: Request) {
  const headers = new Headers();
  const caller = createCaller(await contextFromRequest(req, headers));
  const params = new URL(req.url).searchParams;
  const pick = (k: string) => params.get(k) || undefined;
  const format = params.get("format") === "json" ? "json" : "csv";
  try {
    const body = await caller.audit.export({
      format,
      entityType: pick("entityType"),
      action: pick("action"),
      actor: pick("actor"),
      networkId: pick("networkId"),
    });
    headers.set("content-type", format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8");
    headers.set("content-disposition", `attachment; filename="dmvpn-audit.${format}"`);
    headers.set("cache-control", "no-store");
    return new Response(body, { headers });
  } catch (err) {
    if (err instanceof TRPCError)
      return Response.json({ error: err.message }, { status: getHTTPStatusCodeFromError(err) });
    throw err;
  }
}
