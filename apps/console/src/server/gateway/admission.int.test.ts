import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { enrolledCredentials, networkWithSpokes } from "../../../test/inventory";
import { createInMemoryBus } from "../bus";
import { HelloAdmission } from "./gateway";
import { type AgentServices, attachAgentUpgrades, startAgentServices } from "./index";

let db: PrismaClient;
let cleanup: () => Promise<void>;
let services: AgentServices;
let server: Server;
let port: number;

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  services = await startAgentServices({ db, bus: createInMemoryBus(), hellosPerSecond: 1, log: () => {} });
  server = createServer();
  attachAgentUpgrades(server, services.gateway);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  await services.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await cleanup();
});

async function enrolledSites(n: number) {
  const { siteIds } = await networkWithSpokes(await (await signedInAdmin(db)).api(), n);
  return enrolledCredentials(db, siteIds);
}

function hello(site: { siteId: string; credential: string }) {
  return new Promise<{ type: string; payload: Record<string, unknown>; closeCode: number | null }>(
    (resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/agent/ws`);
      let first: { type: string; payload: Record<string, unknown> } | null = null;
      ws.on("open", () =>
        ws.send(
          JSON.stringify({
            v: 1,
            type: "hello",
            payload: { agentVersion: "t", platform: "sim", hostname: "h", ...site },
          }),
        ),
      );
      ws.on("message", (d) => {
        first ??= JSON.parse(String(d));
        if (first?.type === "welcome") {
          resolve({ ...first, closeCode: null });
          ws.close();
        }
      });
      ws.on("close", (code) => first && resolve({ ...first, closeCode: code }));
      ws.on("error", reject);
    },
  );
}

describe("hello admission", () => {
  it("admits hellos at the configured rate and tells the rest to retry after a window, recording nothing for them", async () => {
    const sites = await enrolledSites(3);
    const answers = await Promise.all(sites.map(hello));
    const welcomed = answers.filter((a) => a.type === "welcome");
    const refused = answers.filter((a) => a.type === "retry-after");
    expect(welcomed).toHaveLength(1);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r.closeCode).toBe(1013);
      expect(r.payload.retryAfterMs).toBeGreaterThanOrEqual(1000);
    }
    const online = await db.siteEvent.count({ where: { kind: "agent-online" } });
    expect(online).toBe(1);
    // a second later the bucket has a token again
    await new Promise((r) => setTimeout(r, 1100));
    const refusedSite = sites.find((s) => s.siteId !== (welcomed[0]!.payload.siteId as string))!;
    expect((await hello(refusedSite)).type).toBe("welcome");
  });
});

describe("HelloAdmission", () => {
  it("scales the window to the agents waiting, capped", () => {
    let now = 0;
    const a = new HelloAdmission(10, 30_000, () => now);
    for (let i = 0; i < 10; i++) expect(a.admit(`ok${i}`)).toBeNull();
    const windows = Array.from({ length: 500 }, (_, i) => a.admit(`wait${i}`)!);
    expect(windows[0]).toBe(1000); // one waiting at 10/s: the 1 s floor
    expect(windows[199]).toBe(20_000); // 200 waiting at 10/s
    expect(windows[499]).toBe(30_000); // capped
    // the same agent knocking again is still one agent waiting
    expect(a.admit("wait499")).toBe(30_000);
    now += 100;
    expect(a.admit("wait0")).toBeNull(); // a token accrued after 100 ms at 10/s
  });
});

describe("HelloAdmission after refusals at the upgrade", () => {
  it("stops counting an agent as waiting once admitted, under its site and under the address it was refused by", () => {
    let now = 0;
    const a = new HelloAdmission(10, 30_000, () => now);
    for (let i = 0; i < 10; i++) expect(a.admit(`ok${i}`)).toBeNull();
    // 100 agents turned away before hello (the unauthenticated limit), by address
    for (let i = 0; i < 100; i++) a.refuse(`address:10.0.0.${i}`);
    expect(a.window()).toBe(10_000);
    // they come back and get in: nobody waits any more, so the next refused agent is asked for the floor, not 10 s
    for (let i = 0; i < 100; i++) {
      now += 100;
      expect(a.admit(`site${i}`, `address:10.0.0.${i}`)).toBeNull();
    }
    expect(a.admit("late")).toBe(1000);
  });
});
