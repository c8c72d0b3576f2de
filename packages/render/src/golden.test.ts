import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { referenceNetwork, referenceSites } from "./__fixtures__/reference-network";
import { renderAllFor } from "./__fixtures__/render-all";
import { RENDER_TARGETS, RenderError } from "./types";

/** Set UPDATE_GOLDEN=1 to rewrite the files under __golden__ after a deliberate change; review the diff. */
const GOLDEN_DIR = new URL("./__golden__/", import.meta.url);

const VARIANTS = {
  // Phase 3, one AS with hubs as route reflectors, IPsec.
  reference: referenceNetwork(),
  // Phase 2, eBGP with an ASN per spoke, NHRP authentication, ESP with PFS.
  "phase2-per-spoke": referenceNetwork({
    phase: 2,
    asnPlan: "per-spoke",
    nhrpAuth: "dmvpn1",
    espProposal: "aes128-sha1-modp2048",
  }),
  "static-routing": referenceNetwork({ routing: "static", tunnelMtu: 1380, tcpMss: 1340, nhrpHoldtime: 600 }),
  // Fast failover: BGP timers and BFD (refused by IOS).
  "fast-failover": referenceNetwork({ bgpKeepalive: 5, bgpHoldtime: 15, bfd: true }),
  // The operator's own summaries (one for the 10.1/16 spokes, one for 192.168.50.0/24), and none at all.
  "custom-summaries": referenceNetwork({
    bgpSummaryMode: "custom",
    bgpSummaries: ["10.1.0.0/16", "192.168.48.0/20"],
  }),
  "no-summaries": referenceNetwork({ bgpSummaryMode: "none" }),
};

describe.each(Object.entries(VARIANTS))("golden %s", (variant, network) => {
  it.each(RENDER_TARGETS)("renders every site for %s exactly as stored", (target) => {
    const rendered = renderAllFor(network, referenceSites(network), target)
      .map((r) =>
        r instanceof RenderError
          ? `### ERROR ${r.site}\n${r.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n")}\n`
          : r.files.map((f) => `### ${r.site}/${f.name}\n${f.content}`).join(""),
      )
      .join("");
    const file = new URL(`${variant}.${target}.golden`, GOLDEN_DIR);
    if (process.env.UPDATE_GOLDEN === "1") {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, rendered);
    }
    expect(existsSync(file), `missing ${file.pathname}; run with UPDATE_GOLDEN=1`).toBe(true);
    expect(rendered).toBe(readFileSync(file, "utf8"));
  });
});
