// One console instance for the multi-instance suite (src/server/cluster/cluster.int.test.ts): the runtime server.ts
// starts (startConsoleRuntime: Redis bus, presence, leases, gateway, deployment runner, webhook worker), served
// with the API routes and the agents' WebSocket on a real HTTP server, without building Next. Prints
// "listening <port>" once it accepts connections. Run with tsx; configured by the console's environment variables.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPrismaClient, resolveDatabase } from "@dmvpn/db";
import { readEnv } from "../src/env";
import { startConsoleRuntime } from "../src/server/console-runtime";
import { attachAgentUpgrades } from "../src/server/gateway";
import { clientAddressResolver } from "../src/server/http/client-address";
import { apiRequestListener } from "./http-server";

const env = readEnv();
const db = createPrismaClient(resolveDatabase());
await db.$connect();
const started = await startConsoleRuntime(db, env, {
  heartbeatSeconds: Number(process.env.TEST_HEARTBEAT_SECONDS ?? 15),
  connectWaitMs: 20_000,
});
const clientAddress = clientAddressResolver([]);
const server = createServer(apiRequestListener(clientAddress));
attachAgentUpgrades(server, started.agents.gateway, undefined, clientAddress);
// TEST_LISTEN_PORT=0: any free port (the suite reads it from the line printed)
server.listen(Number(process.env.TEST_LISTEN_PORT ?? env.PORT), "127.0.0.1", () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => {
  server.close();
  void started.close().finally(() => process.exit(0));
});
