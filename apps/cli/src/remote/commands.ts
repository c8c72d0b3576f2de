import { readFile, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DEPLOYMENT_STATUSES_SETTLED } from "@dmvpn/protocol";
import { RENDER_TARGETS } from "@dmvpn/render";
import { type Command, Option } from "commander";
import { type ConnectionOptions, type ConsoleClient, ConsoleError, connectToConsole } from "./console-client";
import {
  createdSchema,
  type Deployment,
  deploymentSchema,
  importAppliedSchema,
  importPreviewSchema,
  inventoryYamlSchema,
  markAppliedResultSchema,
  networkListSchema,
  renderedConfigSchema,
  type SiteRow,
  siteListSchema,
} from "./schemas";

const PAGE_SIZE = 200;

/** Adds --console to a remote command and runs its action with a client; any failure prints and exits 1. */
function remote<O extends object>(
  command: Command,
  action: (client: ConsoleClient, options: O, args: string[]) => Promise<number>,
): Command {
  return command
    .option("-c, --console <url>", "the console's URL (default: $DMVPN_CONSOLE); the token is read from $DMVPN_TOKEN")
    .action(async (...params: unknown[]) => {
      const cmd = params.at(-1) as Command;
      const options = cmd.opts<O & ConnectionOptions>();
      try {
        process.exitCode = await action(connectToConsole(options), options, cmd.args);
      } catch (e) {
        if (!(e instanceof ConsoleError)) throw e;
        process.stderr.write(`${e.message}\n`);
        process.exitCode = 1;
      }
    });
}

async function allSites(client: ConsoleClient, query: { networkId?: string; search?: string }): Promise<SiteRow[]> {
  const rows: SiteRow[] = [];
  for (let page = 1; ; page++) {
    const got = await client.get("/sites", siteListSchema, { ...query, page, pageSize: PAGE_SIZE });
    rows.push(...got.rows);
    if (got.rows.length === 0 || rows.length >= got.total) return rows;
  }
}

async function findSite(client: ConsoleClient, name: string): Promise<SiteRow> {
  const site = (await allSites(client, { search: name })).find((s) => s.name === name);
  if (!site) throw new ConsoleError(`no site named ${name} on the console`);
  return site;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

export function addSitesCommand(program: Command): void {
  const sites = program.command("sites").description("sites on a console");
  remote<{ network?: string; search?: string }>(
    sites
      .command("list")
      .description("list sites: name, network, role, platform, addresses")
      .option("-n, --network <name>", "only this network's sites")
      .option("-q, --search <text>", "name, address or tag contains this"),
    async (client, options) => {
      let networkId: string | undefined;
      if (options.network !== undefined) {
        const network = (await client.get("/networks", networkListSchema)).find((n) => n.name === options.network);
        if (!network) throw new ConsoleError(`no network named ${options.network} on the console`);
        networkId = network.id;
      }
      const rows = await allSites(client, { networkId, search: options.search });
      if (rows.length === 0) {
        process.stderr.write("no sites match\n");
        return 0;
      }
      process.stdout.write(
        table(
          ["NAME", "NETWORK", "ROLE", "PLATFORM", "TUNNEL", "PUBLIC", "LAN"],
          rows.map((s) => [
            s.name,
            s.network,
            s.role,
            s.platform,
            s.tunnelAddress,
            s.publicAddress ?? "-",
            s.lanPrefixes.join(" ") || "-",
          ]),
        ),
      );
      return 0;
    },
  );
}

function importFormat(file: string): "yaml" | "csv" {
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  throw new ConsoleError(`${file}: name the file .yaml, .yml or .csv so its format is known`);
}

export function addInventoryCommand(program: Command): void {
  const inventory = program.command("inventory").description("export or import a console's inventory");
  remote<{ out?: string }>(
    inventory
      .command("export")
      .description("the inventory as YAML (pre-shared keys left out), to stdout or a file")
      .option("-o, --out <file>", "write to this file"),
    async (client, options) => {
      const yaml = await client.get("/inventory/export", inventoryYamlSchema);
      if (options.out === undefined) process.stdout.write(yaml);
      else {
        await writeFile(options.out, yaml);
        process.stderr.write(`wrote ${options.out}\n`);
      }
      return 0;
    },
  );
  remote<{ dryRun?: boolean }>(
    inventory
      .command("import")
      .description("check a YAML or CSV file on the console, then apply it (all or nothing)")
      .argument("<file>", "inventory .yaml/.yml or sites .csv")
      .option("--dry-run", "only check and list the changes; write nothing"),
    async (client, options, [file]) => {
      const path = file as string;
      const format = importFormat(path);
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (e) {
        throw new ConsoleError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
      }
      const preview = await client.post("/inventory/preview", importPreviewSchema, { format, text });
      if (preview.issues.length > 0) {
        for (const i of preview.issues) process.stderr.write(`${path}: ${i.where}: ${i.message}\n`);
        process.stderr.write(`${preview.issues.length} error(s); nothing was imported\n`);
        return 1;
      }
      const counts = (c: typeof preview.counts) =>
        `${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged`;
      for (const c of preview.changes.filter((c) => c.kind !== "unchanged")) {
        process.stdout.write(`${c.kind} ${c.entity} ${c.name}\n`);
      }
      if (options.dryRun) {
        process.stdout.write(`dry run: ${counts(preview.counts)}; nothing written\n`);
        return 0;
      }
      const applied = await client.post("/inventory/import", importAppliedSchema, { format, text });
      process.stdout.write(`imported: ${counts(applied.counts).replaceAll("to ", "")}\n`);
      return 0;
    },
  );
}

export function addConfigCommand(program: Command): void {
  remote<{ target?: string; withSecrets?: boolean }>(
    program
      .command("config")
      .description("a site's config as the console renders it (the remote counterpart of render)")
      .argument("<site>", "site name")
      .addOption(new Option("-t, --target <target>", "render for this target instead").choices(RENDER_TARGETS))
      .option("--with-secrets", "include the keys: pre-shared and NHRP (admins only; audited)"),
    async (client, options, [name]) => {
      const site = await findSite(client, name as string);
      const config = await client.get(`/sites/${encodeURIComponent(site.id)}/config`, renderedConfigSchema, {
        target: options.target,
        includeSecrets: options.withSecrets ? true : undefined,
      });
      if (!config.ok) {
        for (const issue of config.issues) process.stderr.write(`${site.name}: ${issue}\n`);
        return 1;
      }
      process.stdout.write(config.files.map((f) => `### ${f.name}\n${f.content}`).join(""));
      return 0;
    },
  );
}

const describeItem = (i: Deployment["items"][number]) =>
  `${i.site}: ${i.status}${i.error ? ` (${i.error})` : ""} [revision ${i.revision}, wave ${i.wave}]`;

/**
 * deploy --wait: 0 succeeded; 2 agentless sites wait for an operator to apply the revision and mark it applied
 * (nothing failed, but nothing was pushed either); 1 anything else.
 */
const DEPLOY_EXIT_CODES = { succeeded: 0, "awaiting-apply": 2 } as const;

export function addDeployCommand(program: Command): void {
  remote<{ wait?: boolean; timeout: string; interval: string }>(
    program
      .command("deploy")
      .description("deploy a site's rendered config through its agent")
      .argument("<site>", "site name")
      .option(
        "-w, --wait",
        "follow the deployment until it finishes; exit 0 if it succeeded, 2 if agentless sites await apply, else 1",
      )
      .option("--timeout <seconds>", "with --wait: give up after this long", "600")
      .addOption(new Option("--interval <ms>", "with --wait: poll this often").default("1000").hideHelp()),
    async (client, options, [name]) => {
      const timeoutMs = Number(options.timeout) * 1000;
      const intervalMs = Number(options.interval);
      if (!(timeoutMs > 0) || !(intervalMs > 0)) throw new ConsoleError("--timeout and --interval must be positive");
      const site = await findSite(client, name as string);
      const { id } = await client.post("/deployments", createdSchema, { target: { siteIds: [site.id] } });
      process.stdout.write(`deployment ${id} created for ${site.name}\n`);
      if (!options.wait) return 0;

      const deadline = Date.now() + timeoutMs;
      const seen = new Map<string, string>();
      for (;;) {
        const d = await client.get(`/deployments/${encodeURIComponent(id)}`, deploymentSchema);
        for (const item of d.items) {
          const line = describeItem(item);
          if (seen.get(item.siteId) !== line) process.stdout.write(`${line}\n`);
          seen.set(item.siteId, line);
        }
        if (DEPLOYMENT_STATUSES_SETTLED.includes(d.status)) {
          process.stdout.write(`deployment ${d.status}${d.summary ? `: ${d.summary}` : ""}\n`);
          return DEPLOY_EXIT_CODES[d.status as keyof typeof DEPLOY_EXIT_CODES] ?? 1;
        }
        if (Date.now() >= deadline) {
          process.stderr.write(`gave up waiting after ${options.timeout} s; deployment ${id} is ${d.status}\n`);
          return 1;
        }
        await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
      }
    },
  );
}

async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new ConsoleError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

export function addDeploymentsCommand(program: Command): void {
  const deployments = program.command("deployments").description("deployments on a console");
  remote<{ revision?: string; runningConfig?: string }>(
    deployments
      .command("mark-applied")
      .description("agentless site: say you applied its pending revision on the router (operators)")
      .argument("<site>", "site name")
      .option("-r, --revision <n>", "the revision you applied (default: the newest one waiting)")
      .option("--running-config <file>", "the router's running config after applying (drives drift); - for stdin"),
    async (client, options, [name]) => {
      let revision: number | undefined;
      if (options.revision !== undefined) {
        revision = Number(options.revision);
        if (!Number.isInteger(revision) || revision < 1)
          throw new ConsoleError("--revision must be a positive integer");
      }
      const runningConfig =
        options.runningConfig === undefined
          ? undefined
          : options.runningConfig === "-"
            ? await readStdin()
            : await readConfigFile(options.runningConfig);
      const site = await findSite(client, name as string);
      const r = await client.post(`/sites/${encodeURIComponent(site.id)}/mark-applied`, markAppliedResultSchema, {
        revision,
        runningConfig,
      });
      process.stdout.write(
        `${r.site}: revision ${r.revision} marked applied${runningConfig === undefined ? "" : " with its running config"}` +
          `${r.superseded ? `; ${r.superseded} earlier pending deployment(s) of it superseded` : ""}\n`,
      );
      for (const id of r.deploymentsSucceeded) process.stdout.write(`deployment ${id} succeeded\n`);
      return 0;
    },
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
