import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { labCacheDir } from "../host/paths";
import { waitFor } from "../vm/exec";
import { LAB_FILES, type LabRequest, type LabResponse, labResponseSchema, writeExchangeFile } from "./lab-spec";

/** Drops a request into the run directory the VM watches and waits for its answer. */
export async function sendLabRequest(runDir: string, request: LabRequest, timeoutMs = 120_000): Promise<LabResponse> {
  // Time first, so the VM handles requests in the order they were made, whoever made them.
  const name = `${Date.now().toString().padStart(15, "0")}-${randomBytes(3).toString("hex")}.json`;
  await writeExchangeFile(join(runDir, LAB_FILES.requests, name), request);
  const responseFile = join(runDir, LAB_FILES.responses, name);
  return waitFor(
    `the lab VM to answer ${request.action}`,
    timeoutMs,
    async () =>
      existsSync(responseFile) ? labResponseSchema.parse(JSON.parse(await readFile(responseFile, "utf8"))) : undefined,
    { everyMs: 300 },
  );
}

/** The newest console lab whose VM is up and has not finished. */
export async function runningLabDir(): Promise<string | null> {
  const runs = join(labCacheDir(), "runs");
  const dirs = (await readdir(runs).catch(() => []))
    .filter((d) => d.includes("-console-"))
    .sort()
    .reverse();
  for (const d of dirs) {
    const dir = join(runs, d);
    if (existsSync(join(dir, LAB_FILES.ready)) && !existsSync(join(dir, "exit-code"))) return dir;
  }
  return null;
}
