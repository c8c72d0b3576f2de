import { readFile } from "node:fs/promises";
import path from "node:path";
import { AGENT_FILES, agentDistDir } from "~/server/services/agent-install";

/** GET /agent/dmvpn-agent.mjs (and the single executable when built): what the install script downloads. */
export async function GET(_req: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  const type = AGENT_FILES[file];
  const dir = agentDistDir();
  if (!type || !dir) return new Response("not found\n", { status: 404 });
  try {
    const body = await readFile(path.join(dir, file));
    return new Response(body, { headers: { "content-type": type, "cache-control": "no-cache" } });
  } catch {
    return new Response("not built\n", { status: 404 });
  }
}
