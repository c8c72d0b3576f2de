import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConsoleError, connectToConsole } from "./console-client";

const TOKEN = `dmvpn_${"t".repeat(43)}`;
const ENV = { DMVPN_CONSOLE: "https://console.example.net/", DMVPN_TOKEN: TOKEN };

function fakeFetch(status: number, body: string) {
  const calls: { url: string; init: RequestInit }[] = [];
  const impl = (async (url: URL, init: RequestInit) => {
    calls.push({ url: url.toString(), init });
    return new Response(body, { status });
  }) as unknown as typeof fetch;
  return { calls, impl };
}

async function failure(p: Promise<unknown>): Promise<ConsoleError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ConsoleError);
  expect((e as Error).message).not.toContain(TOKEN);
  return e as ConsoleError;
}

describe("connectToConsole", () => {
  it("sends the token only in the Authorization header and builds /api/v1 URLs with the query", async () => {
    const f = fakeFetch(200, JSON.stringify({ id: "d1" }));
    const client = connectToConsole({}, ENV, f.impl);
    expect(
      await client.get("/sites", z.object({ id: z.string() }), { search: "a b", page: 2, skip: undefined }),
    ).toEqual({
      id: "d1",
    });
    expect(f.calls[0]?.url).toBe("https://console.example.net/api/v1/sites?search=a+b&page=2");
    expect(f.calls[0]?.url).not.toContain(TOKEN);
    expect(new Headers(f.calls[0]?.init.headers).get("authorization")).toBe(`Bearer ${TOKEN}`);
    await client.post("/deployments", z.unknown(), { target: { siteIds: ["s"] } });
    expect(f.calls[1]?.init).toMatchObject({ method: "POST", body: '{"target":{"siteIds":["s"]}}' });
  });

  it("prefers --console over DMVPN_CONSOLE and refuses what is not an http(s) URL or a token", async () => {
    expect(connectToConsole({ console: "http://10.0.0.1:3000" }, ENV).baseUrl).toBe("http://10.0.0.1:3000/api/v1");
    expect(() => connectToConsole({ console: "ftp://x" }, ENV)).toThrow(/http\(s\) URL/);
    expect(() => connectToConsole({}, { DMVPN_TOKEN: TOKEN })).toThrow(/DMVPN_CONSOLE/);
    expect(() => connectToConsole({}, { ...ENV, DMVPN_TOKEN: undefined })).toThrow(/set DMVPN_TOKEN/);
    const bad = "not-a-token secret";
    expect(() => connectToConsole({}, { ...ENV, DMVPN_TOKEN: bad })).toThrow(/must be an API token/);
    try {
      connectToConsole({}, { ...ENV, DMVPN_TOKEN: bad });
    } catch (e) {
      expect((e as Error).message).not.toContain(bad);
    }
  });

  it("turns error answers into their message and field issues, and rejects answers of the wrong shape", async () => {
    const denied = fakeFetch(
      400,
      JSON.stringify({
        message: "Input validation failed",
        code: "BAD_REQUEST",
        issues: [{ path: ["target"], message: "Invalid input" }],
      }),
    );
    const e = await failure(connectToConsole({}, ENV, denied.impl).get("/x", z.unknown()));
    expect(e.status).toBe(400);
    expect(e.message).toBe("Input validation failed\n  target: Invalid input");

    const html = fakeFetch(502, "<html>bad gateway</html>");
    expect((await failure(connectToConsole({}, ENV, html.impl).get("/x", z.unknown()))).message).toMatch(
      /HTTP 502 with something not JSON/,
    );

    const wrong = fakeFetch(200, JSON.stringify({ rows: "nope" }));
    expect(
      (await failure(connectToConsole({}, ENV, wrong.impl).get("/sites", z.object({ rows: z.array(z.string()) }))))
        .message,
    ).toMatch(/unexpected answer from the console \(rows: /);

    const down = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    }) as unknown as typeof fetch;
    expect((await failure(connectToConsole({}, ENV, down).get("/x", z.unknown()))).message).toBe(
      "cannot reach the console at https://console.example.net/ (ECONNREFUSED)",
    );
  });
});
