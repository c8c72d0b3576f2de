import type { FieldIssue, NetworkSpec, SiteSpec } from "@dmvpn/inventory";

/** `frr` is FRR 8.4 (Debian 12), `frr-10` FRR 10.x (Debian 13, VyOS 1.5's base): same files, different dialect. */
export const RENDER_TARGETS = ["vyos-1.4", "vyos-1.5", "frr", "frr-10", "ios"] as const;
export type RenderTarget = (typeof RENDER_TARGETS)[number];

export interface RenderInput {
  network: NetworkSpec;
  site: SiteSpec;
  /** Every hub of the network, including `site` when it is a hub. */
  hubs: SiteSpec[];
  /**
   * Every spoke of the network. Needed only where a hub or spoke must know the other sites' LANs: static routing
   * (routes to every site's LANs) and, on hubs, the phase-3 BGP summary. Omitting it there is a RenderError,
   * never a silently thinner config. With BGP in phase 2 spokes are learnt dynamically and it is not read.
   */
  spokes?: SiteSpec[];
  /** Defaults from site.platform. */
  target?: RenderTarget;
}

export interface RenderedFile {
  name: string;
  content: string;
}

export interface RenderedConfig {
  site: string;
  target: RenderTarget;
  files: RenderedFile[];
  /** sha256 (hex) over every file's name and content, in order. */
  hash: string;
}

/** A site whose inventory the target cannot honour. Messages name fields, never secrets. */
export class RenderError extends Error {
  readonly site: string;
  readonly issues: FieldIssue[];
  constructor(site: string, issues: FieldIssue[]) {
    super(`cannot render ${site}: ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    this.name = "RenderError";
    this.site = site;
    this.issues = issues;
  }
}
