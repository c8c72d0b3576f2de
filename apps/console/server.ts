// The console process: Next.js pages and API plus, in one HTTP server, what Next cannot host (the database
// client outside the bundle; later the agents' WebSocket gateway). `npm start` runs the compiled dist/server.js.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPrismaClient, disconnectWithin, resolveDatabase } from "@dmvpn/db";
import next from "next";
import { readEnv } from "./src/env";
import { startConsoleRuntime } from "./src/server/console-runtime";
import { AGENT_WS_PATH, attachAgentUpgrades } from "./src/server/gateway";
import { clientAddressResolver, parseTrustedProxies } from "./src/server/http/client-address";
import { prepareRequest } from "./src/server/http/node-request";
import { startDemo, stopDemo } from "./src/server/services/demo";

const env = readEnv();
const dev = env.NODE_ENV === "development";
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main() {
  const target = resolveDatabase();
  if (env.REDIS_URL && target.provider === "sqlite")
    throw new Error("REDIS_URL (several instances) needs PostgreSQL: set DATABASE_URL=postgresql://…");
  const db = createPrismaClient(target);
  await db.$connect();
  // The demo's simulated agents reach the gateway as real agents do, over this process's own listener.
  const loopback = ["0.0.0.0", "::", ""].includes(env.HOST) ? "127.0.0.1" : env.HOST;
  const agentUrl = `ws://${loopback.includes(":") ? `[${loopback}]` : loopback}:${env.PORT}${AGENT_WS_PATH}`;
  const consoleRuntime = await startConsoleRuntime(db, env, { agentUrl });
  const agents = consoleRuntime.agents;

  const app = next({ dev, dir, hostname: env.HOST, port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const clientAddress = clientAddressResolver(parseTrustedProxies(env.TRUST_PROXY));
  const server = createServer((req, res) => {
    prepareRequest(req, res, clientAddress);
    void handle(req, res);
  });
  attachAgentUpgrades(server, agents.gateway, dev ? app.getUpgradeHandler() : undefined, clientAddress);
  server.listen(env.PORT, env.HOST, () => {
    const where = target.provider === "sqlite" ? target.file : "PostgreSQL";
    const cluster = consoleRuntime.cluster
      ? `, instance ${consoleRuntime.cluster.instanceId} sharing work via Redis`
      : "";
    console.log(`DMVPN Console ready on http://localhost:${env.PORT} (database: ${where}${cluster})`);
    startDemo(db, { websocketUrl: agentUrl }).catch((err) =>
      console.error("demo network:", err instanceof Error ? err.message : err),
    );
  });

  const shutdown = () => {
    stopDemo();
    server.close();
    void consoleRuntime
      .close()
      .then(() => disconnectWithin(db, 5000))
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
