import { describe, expect, it } from "vitest";
import { referenceNetwork, referenceSites } from "./__fixtures__/reference-network";
import { renderAllFor } from "./__fixtures__/render-all";
import { bgpTimersChanged } from "./session-changes";
import { RenderError, type RenderTarget } from "./types";

function filesFor(target: RenderTarget, overrides: Parameters<typeof referenceNetwork>[0]) {
  const network = referenceNetwork(overrides);
  return renderAllFor(network, referenceSites(network), target).map((r) => {
    if (r instanceof RenderError) throw r;
    return r.files;
  });
}

describe("bgpTimersChanged", () => {
  it.each(["vyos-1.4", "vyos-1.5", "frr", "frr-10", "ios"] as const)(
    "%s: default → fast timers, fast → other fast, and back are changes; other changes are not",
    (target) => {
      const defaults = filesFor(target, {});
      const fast = filesFor(target, { bgpKeepalive: 5, bgpHoldtime: 15 });
      const faster = filesFor(target, { bgpKeepalive: 3, bgpHoldtime: 9 });
      const otherMtu = filesFor(target, { tunnelMtu: 1380, tcpMss: 1340 });
      defaults.forEach((files, i) => {
        expect(bgpTimersChanged(files, fast[i]!)).toBe(true);
        expect(bgpTimersChanged(fast[i]!, faster[i]!)).toBe(true);
        expect(bgpTimersChanged(fast[i]!, files)).toBe(true);
        expect(bgpTimersChanged(files, files)).toBe(false);
        expect(bgpTimersChanged(files, otherMtu[i]!)).toBe(false);
      });
    },
  );
});
