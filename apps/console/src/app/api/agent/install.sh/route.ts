import { AgentPlatform } from "@dmvpn/protocol";
import { consoleBaseUrl, installScriptFor } from "~/server/services/agent-install";

/** GET /api/agent/install.sh?platform=…: the installer; the token comes from DMVPN_TOKEN on the router. */
export function GET(req: Request) {
  const platform = AgentPlatform.safeParse(new URL(req.url).searchParams.get("platform") ?? "frr-linux");
  if (!platform.success) return new Response("unknown platform\n", { status: 400 });
  return new Response(installScriptFor(consoleBaseUrl(req), platform.data), {
    headers: { "content-type": "text/x-shellscript; charset=utf-8", "cache-control": "no-store" },
  });
}
