import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatIssue, type Inventory, renderReadinessIssues, type SiteSpec } from "@dmvpn/inventory";
import { RENDER_TARGETS, RenderError, type RenderedConfig, type RenderTarget, renderSiteConfig } from "@dmvpn/render";
import { type Command, Option } from "commander";
import { loadInventoryFile } from "../inventory-file";

interface RenderOptions {
  inventory: string;
  site?: string;
  all?: boolean;
  out?: string;
  target?: RenderTarget;
}

export function addRenderCommand(program: Command): void {
  program
    .command("render")
    .description("render router configs: one site to stdout, or every site into a directory")
    .requiredOption("-i, --inventory <file>", "inventory YAML as exported by the console (with secrets)")
    .option("-s, --site <name>", "the site to render to stdout")
    .option("-a, --all", "render every site (needs --out)")
    .option("-o, --out <dir>", "with --all: write <dir>/<site>/<file>")
    .addOption(
      new Option("-t, --target <target>", "render for this target instead of the site's platform").choices(
        RENDER_TARGETS,
      ),
    )
    .action(async (options: RenderOptions) => {
      process.exitCode = await runRender(options);
    });
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

function renderOne(inventory: Inventory, site: SiteSpec, target: RenderTarget | undefined): RenderedConfig {
  const network = inventory.networks.find((n) => n.name === site.network);
  if (!network)
    throw new RenderError(site.name, [{ path: ["site", "network"], message: `no network named ${site.network}` }]);
  const members = inventory.sites.filter((s) => s.network === site.network);
  const readiness = renderReadinessIssues(network, members);
  if (readiness.length > 0) throw new RenderError(site.name, readiness);
  return renderSiteConfig({
    network,
    site,
    hubs: members.filter((s) => s.role === "hub"),
    spokes: members.filter((s) => s.role === "spoke"),
    target,
  });
}

function renderErrorText(e: RenderError): string {
  return e.issues.map((i) => `${e.site}: ${formatIssue(i)}`).join("\n");
}

async function runRender(options: RenderOptions): Promise<number> {
  if (options.all === (options.site !== undefined)) return fail("give either --site NAME or --all --out DIR");
  if (options.all && !options.out) return fail("--all needs --out DIR");
  const { inventory, issues } = await loadInventoryFile(options.inventory);
  if (issues.length > 0) return fail(issues.map(formatIssue).join("\n"));

  if (options.site !== undefined) {
    const site = inventory.sites.find((s) => s.name === options.site);
    if (!site) return fail(`no site named ${options.site} in ${options.inventory}`);
    try {
      const config = renderOne(inventory, site, options.target);
      process.stdout.write(config.files.map((f) => `### ${f.name}\n${f.content}`).join(""));
      return 0;
    } catch (e) {
      if (e instanceof RenderError) return fail(renderErrorText(e));
      throw e;
    }
  }

  const out = options.out as string;
  let failed = 0;
  let written = 0;
  for (const site of inventory.sites) {
    try {
      const config = renderOne(inventory, site, options.target);
      const dir = join(out, site.name);
      // Configs carry the pre-shared key: readable by the owner only.
      await mkdir(dir, { recursive: true, mode: 0o700 });
      for (const f of config.files) {
        const file = join(dir, f.name);
        await writeFile(file, f.content, { mode: f.name.endsWith(".sh") ? 0o700 : 0o600 });
        await chmod(file, f.name.endsWith(".sh") ? 0o700 : 0o600);
      }
      written++;
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      process.stderr.write(`${renderErrorText(e)}\n`);
      failed++;
    }
  }
  process.stdout.write(`wrote ${written} site(s) to ${out}${failed ? `; ${failed} failed` : ""}\n`);
  return failed > 0 ? 1 : 0;
}
