import { execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoDir } from "../host/paths";

const run = promisify(execFile);

export interface ConsoleProcess {
  /** as the host reaches it */
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/**
 * The console's production build and the agent's one-file bundle; built when missing (a fresh clone), so the lab
 * runs what `npm start` serves.
 */
export async function ensureBuilt(log: (line: string) => void): Promise<{ agentBundle: string }> {
  const root = repoDir();
  log("checking the console build (rebuilt when its sources are newer)…");
  // the same staleness check `npm test` uses before the browser tests
  await run(
    process.execPath,
    ["--input-type=module", "-e", 'import("./scripts/prepare.mjs").then((m) => m.ensureConsoleBuilt())'],
    { cwd: root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, maxBuffer: 64 * 1024 * 1024 },
  );
  await run(process.execPath, [join(root, "apps", "agent", "scripts", "build.mjs")], { cwd: root });
  return { agentBundle: join(root, "apps", "agent", "dist", "dmvpn-agent.mjs") };
}

/** Starts the console on a fresh SQLite database in `dataDir`, on 127.0.0.1 (the VM reaches it as 10.0.2.2). */
export async function startConsole(options: {
  dataDir: string;
  port?: number;
  onLine?: (line: string) => void;
}): Promise<ConsoleProcess> {
  const root = repoDir();
  const port = options.port ?? (await freePort());
  const env = {
    ...process.env,
    DATABASE_URL: `file:${join(options.dataDir, "console.db")}`,
    DMVPN_SECRET_KEY_FILE: join(options.dataDir, "secret.key"),
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  await run(process.execPath, [join(root, "scripts", "db.mjs"), "migrate"], { cwd: root, env });
  const child = spawn(process.execPath, [join(root, "apps", "console", "dist", "server.js")], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) options.onLine?.(`[console] ${line}`);
  };
  child.stdout.on("data", forward);
  child.stderr.on("data", forward);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the console exited with ${child.exitCode} while starting`);
    const ok = await fetch(`${url}/api/openapi.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("the console did not answer within 60 s");
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    port,
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  };
}
