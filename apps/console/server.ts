// The console process: Next.js pages and API plus, in one HTTP server, what Next cannot host (the database
// client outside the bundle; later the agents' WebSocket gateway). `npm start` runs the compiled dist/server.js.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPrismaClient, disconnectWithin, resolveDatabase } from "@dmvpn/db";
import next from "next";
import { readEnv } from "./src/env";
import { createInMemoryBus } from "./src/server/bus";
import { AGENT_WS_PATH, attachAgentUpgrades, startAgentServices } from "./src/server/gateway";
import { clientAddressResolver, parseTrustedProxies } from "./src/server/http/client-address";
import { prepareRequest } from "./src/server/http/node-request";
import { setRuntime } from "./src/server/runtime";
import { startDemo, stopDemo } from "./src/server/services/demo";
import { startWebhookWorker } from "./src/server/services/webhooks";

const env = readEnv();
const dev = env.NODE_ENV === "development";
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main() {
  const target = resolveDatabase();
  const db = createPrismaClient(target);
  await db.$connect();
  const bus = createInMemoryBus();
  const agents = await startAgentServices({
    db,
    bus,
    eventRetention: { maxAgeDays: env.EVENT_RETENTION_DAYS, maxRows: env.EVENT_RETENTION_ROWS },
  });
  // The demo's simulated agents reach the gateway as real agents do, over this process's own listener.
  const loopback = ["0.0.0.0", "::", ""].includes(env.HOST) ? "127.0.0.1" : env.HOST;
  const agentUrl = `ws://${loopback.includes(":") ? `[${loopback}]` : loopback}:${env.PORT}${AGENT_WS_PATH}`;
  setRuntime({ db, bus, gateway: agents.gateway, deployments: agents.deployments, agentUrl });
  const stopWebhooks = startWebhookWorker(db, bus);

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
    console.log(`DMVPN Console ready on http://localhost:${env.PORT} (database: ${where})`);
    startDemo(db, { websocketUrl: agentUrl }).catch((err) =>
      console.error("demo network:", err instanceof Error ? err.message : err),
    );
  });

  const shutdown = () => {
    stopDemo();
    stopWebhooks();
    server.close();
    void agents
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
