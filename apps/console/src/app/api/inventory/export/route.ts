import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { createCaller } from "~/server/api/root";
import { contextFromRequest } from "~/server/request-context";

/** The YAML export as a file download (secrets never included here; admins use inventory.exportWithSecrets). */
export async function GET(req: Request) {
  const headers = new Headers();
  const caller = createCaller(await contextFromRequest(req, headers));
  const networkId = new URL(req.url).searchParams.get("networkId") ?? undefined;
  try {
    const yaml = await caller.inventory.export({ networkId });
    headers.set("content-type", "application/yaml; charset=utf-8");
    headers.set("content-disposition", `attachment; filename="dmvpn-inventory.yaml"`);
    headers.set("cache-control", "no-store");
    return new Response(yaml, { headers });
  } catch (err) {
    if (err instanceof TRPCError)
      return Response.json({ error: err.message }, { status: getHTTPStatusCodeFromError(err) });
    throw err;
  }
}
