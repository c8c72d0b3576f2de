import { IpsecSa } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import { readCapture } from "./fixtures/read-capture";
import { parseSwanctlSas } from "./swanctl";

/** Real strongSwan 5.9.8 output; each file's `# ` header says how it was captured. */
const capture = (name: string) => parseSwanctlSas(readCapture(`swanctl-5.9.8/${name}`));

describe("swanctl --list-sas --pretty, real strongSwan 5.9.8 output", () => {
  it("an established IKE SA as its initiator sees it, ignoring the closing 'list-sas reply' section", () => {
    expect(capture("spoke-established-no-child.txt")).toEqual([
      {
        name: "dmvpn-NHRPVPN-tun0",
        uniqueId: "5",
        state: "ESTABLISHED",
        localHost: "203.0.113.11",
        remoteHost: "203.0.113.1",
        remoteId: "203.0.113.1",
        establishedSeconds: 6,
        natRemote: true,
        children: [],
      },
    ]);
  });

  it("the same IKE SA from the responder's side", () => {
    expect(capture("hub-established-no-child.txt")).toEqual([
      expect.objectContaining({ state: "ESTABLISHED", localHost: "203.0.113.1", remoteHost: "203.0.113.11" }),
    ]);
  });

  it("an IKE SA still connecting: no established time, its `tasks-active = [ ... ]` list does not confuse the parser", () => {
    expect(capture("spoke-connecting.txt")).toEqual([
      {
        name: "dmvpn-NHRPVPN-tun0",
        uniqueId: "1",
        state: "CONNECTING",
        localHost: "203.0.113.11",
        remoteHost: "203.0.113.1",
        remoteId: "%any",
        establishedSeconds: null,
        natRemote: false,
        children: [],
      },
    ]);
  });

  it("produces SAs that validate against the protocol schema", () => {
    for (const name of ["spoke-connecting.txt", "spoke-established-no-child.txt", "hub-established-no-child.txt"]) {
      for (const sa of capture(name)) expect(IpsecSa.safeParse(sa).success, name).toBe(true);
    }
  });
});
