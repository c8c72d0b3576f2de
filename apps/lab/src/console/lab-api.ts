import { randomBytes } from "node:crypto";
import { SiteStatus } from "@dmvpn/protocol";
import { z } from "zod";

/**
 * The lab talks to the console only through its public API, as an integration would: tRPC for the two
 * browser-only steps (first admin, API token), REST with the Bearer token for everything else. Every answer is
 * checked against a schema before use.
 */

export class ConsoleApiError extends Error {}

const site = z.object({
  id: z.string(),
  networkId: z.string(),
  name: z.string(),
  role: z.enum(["hub", "spoke"]),
  platform: z.string(),
  tunnelAddress: z.string(),
  publicAddress: z.string().nullable(),
  wanInterface: z.string(),
  lanPrefixes: z.array(z.string()),
});
const siteFull = site.loose();
export type LabSite = z.infer<typeof site>;

const networkView = z
  .object({
    id: z.string(),
    isDemo: z.boolean(),
    nhrpAuthSet: z.boolean(),
    bgpSummariesInEffect: z.array(z.string()),
    bgpKeepalive: z.number(),
    bgpHoldtime: z.number(),
  })
  .loose();

const deployment = z.object({
  id: z.string(),
  status: z.string(),
  summary: z.string().nullable(),
  items: z.array(z.object({ siteId: z.string(), site: z.string(), status: z.string(), error: z.string().nullable() })),
});
export type LabDeployment = z.infer<typeof deployment>;

const siteStatusView = z.object({
  agent: z.object({ connected: z.boolean() }).nullable(),
  status: SiteStatus.nullable(),
  events: z.array(z.object({ at: z.string(), kind: z.string(), detail: z.record(z.string(), z.unknown()) })),
});
export type LabSiteStatus = z.infer<typeof siteStatusView>;

const topology = z.object({
  nodes: z.array(z.object({ id: z.string(), name: z.string(), freshness: z.string() })),
  edges: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(["hub-spoke", "shortcut"]),
      source: z.string(),
      target: z.string(),
      state: z.string(),
      registered: z.boolean(),
      bgpState: z.string().nullable(),
    }),
  ),
});
export type LabTopologyGraph = z.infer<typeof topology>;

const pingResult = z.object({
  sent: z.number(),
  received: z.number(),
  rttAvgMs: z.number().nullable(),
  output: z.string(),
});
export type LabPing = z.infer<typeof pingResult>;

export class LabApi {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /** Creates the first admin with a random password and a read-write API token; returns both. */
  static async bootstrap(url: string): Promise<{ api: LabApi; email: string; password: string }> {
    const email = "lab-admin@example.net";
    const password = randomBytes(12).toString("base64url");
    const first = await trpcPost(url, "auth.createFirstAdmin", { email, name: "Lab admin", password });
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    if (!cookie) throw new ConsoleApiError("createFirstAdmin set no session cookie");
    const minted = await trpcPost(
      url,
      "apiTokens.create",
      { name: "lab", scope: "read-write", expiresInDays: 1 },
      cookie,
    );
    const body = z
      .object({ result: z.object({ data: z.object({ json: z.object({ token: z.string() }) }) }) })
      .parse(await minted.json());
    return { api: new LabApi(url, body.result.data.json.token), email, password };
  }

  private async rest<T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(90_000),
    });
    const text = await response.text();
    if (!response.ok) throw new ConsoleApiError(`${method} ${path}: HTTP ${response.status}: ${text.slice(0, 500)}`);
    return schema.parse(JSON.parse(text));
  }

  get bearer(): string {
    return this.token;
  }

  sites = async (): Promise<LabSite[]> =>
    (await this.rest(z.object({ rows: z.array(site) }), "GET", "/sites?page=1&pageSize=100")).rows;

  site = (id: string) => this.rest(siteFull, "GET", `/sites/${id}`);

  /** PUT /sites/{id} with the site as read, fields replaced by `patch` */
  async updateSite(id: string, patch: Record<string, unknown>): Promise<void> {
    const { id: _id, networkId, createdAt: _c, updatedAt: _u, network: _n, ...fields } = await this.site(id);
    await this.rest(z.unknown(), "PUT", `/sites/${id}`, { networkId, site: { ...fields, ...patch } });
  }

  network = (id: string) => this.rest(networkView, "GET", `/networks/${id}`);

  /**
   * PUT /networks/{id} with the network as read, fields replaced by `patch`; the answer as it came (a refusal is
   * what some callers want to see).
   */
  async putNetwork(id: string, patch: Record<string, unknown>): Promise<{ status: number; text: string }> {
    const { id: _id, isDemo: _d, nhrpAuthSet: _a, bgpSummariesInEffect: _e, ...settings } = await this.network(id);
    const response = await fetch(`${this.url}/api/v1/networks/${id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
      body: JSON.stringify({ network: { ...settings, ...patch } }),
      signal: AbortSignal.timeout(90_000),
    });
    return { status: response.status, text: await response.text() };
  }

  async updateNetwork(id: string, patch: Record<string, unknown>): Promise<void> {
    const { status, text } = await this.putNetwork(id, patch);
    if (status !== 200) throw new ConsoleApiError(`PUT /networks/${id}: HTTP ${status}: ${text.slice(0, 500)}`);
  }

  createSite = (networkId: string, fields: Record<string, unknown>) =>
    this.rest(z.object({ id: z.string() }).loose(), "POST", "/sites", { networkId, site: fields });

  enrollmentToken = async (siteId: string, origin: string): Promise<string> =>
    (await this.rest(z.object({ token: z.string() }), "POST", `/sites/${siteId}/enrollment`, { origin })).token;

  agentConnected = async (siteId: string): Promise<boolean> =>
    (
      await this.rest(
        z.object({ agent: z.object({ connected: z.boolean() }).nullable() }),
        "GET",
        `/sites/${siteId}/agent`,
      )
    ).agent?.connected ?? false;

  deploy = async (
    target: { networkId: string } | { siteIds: string[] },
    options: Record<string, unknown> = {},
  ): Promise<string> => (await this.rest(z.object({ id: z.string() }), "POST", "/deployments", { target, options })).id;

  deployment = (id: string) => this.rest(deployment, "GET", `/deployments/${id}`);

  status = (siteId: string) => this.rest(siteStatusView, "GET", `/sites/${siteId}/status?events=200`);

  topology = () => this.rest(topology, "GET", "/topology");

  ping = (siteId: string, target: string, source: string, count: number) =>
    this.rest(pingResult, "POST", `/sites/${siteId}/diagnostics/ping`, { target, source, count });
}

async function trpcPost(url: string, path: string, input: unknown, cookie?: string): Promise<Response> {
  const response = await fetch(`${url}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ json: input }),
  });
  if (!response.ok) {
    throw new ConsoleApiError(`${path}: HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  return response;
}
