import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { AGENT_FILES, agentDistDir } from "~/server/services/agent-install";

/**
 * GET /agent/dmvpn-agent.mjs and /agent/dmvpn-agent-linux-x64: what the install script downloads. Streamed: the
 * single executable is about 100 MB.
 */
export async function GET(_req: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  const type = AGENT_FILES[file];
  const dir = agentDistDir();
  if (!type || !dir) return new Response("not found\n", { status: 404 });
  const full = path.join(dir, file);
  try {
    const { size } = await stat(full);
    const body = Readable.toWeb(createReadStream(full)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: { "content-type": type, "content-length": String(size), "cache-control": "no-cache" },
    });
  } catch {
    return new Response("not built\n", { status: 404 });
  }
}
