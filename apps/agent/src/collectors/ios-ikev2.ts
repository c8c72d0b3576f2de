import { applyFirstRule, iosLines, type LineRule, rejectIosError, splitHostPort } from "./ios-text";

/**
 * Cisco IOS / IOS-XE `show crypto ikev2 sa [detailed]`. Under `IPv4 Crypto IKEv2 SA` each SA is a table row
 *
 *   Tunnel-id Local                 Remote                fvrf/ivrf            Status
 *   2         10.1.1.1/500          20.1.1.1/500          none/none            READY
 *
 * and under `IPv6 Crypto IKEv2 SA` the addresses move to their own lines (`Local  2001:db8::1/500`,
 * `Remote  2001:db8::2/500`) after a `1  none/none  READY` row. Both forms print `Life/Active Time: 86400/1161 sec`;
 * `detailed` adds `Status Description`, `Local id`, `Remote id`, `NAT-T is ...` and more, which are null here when
 * the plain form was given. Status: READY (established), IN-NEG (negotiating), DELETE, ...
 */
export interface IosIkev2Sa {
  tunnelId: string;
  local: string;
  localPort: number | null;
  remote: string;
  remotePort: number | null;
  fvrf: string;
  ivrf: string;
  status: string;
  lifetimeSeconds: number | null;
  /** how long the SA has been up */
  activeSeconds: number | null;
  statusDescription: string | null;
  localId: string | null;
  remoteId: string | null;
  /**
   * `NAT-T is detected inside`: this router is behind a NAT; `outside`: the peer is; `none`: no NAT between them;
   * null when not printed (the plain form).
   */
  nat: "none" | "local" | "remote" | null;
}

const V4_ROW = /^(\d+)\s+(\S+\/\d+)\s+(\S+\/\d+)\s+([^\s/]+)\/(\S+)\s+(\S+)$/;
const V6_ROW = /^(\d+)\s+([^\s/]+)\/(\S+)\s+(\S+)$/;

const SA_RULES: LineRule<IosIkev2Sa>[] = [
  [
    /^(Local|Remote)\s+(\S+\/\d+)$/,
    (m, sa) => {
      const { host, port } = splitHostPort(m[2]!);
      if (m[1] === "Local") Object.assign(sa, { local: host, localPort: port });
      else Object.assign(sa, { remote: host, remotePort: port });
    },
  ],
  [
    /^Life\/Active Time:\s*(\d+)\/(\d+) sec/,
    (m, sa) => {
      sa.lifetimeSeconds = Number(m[1]);
      sa.activeSeconds = Number(m[2]);
    },
  ],
  [
    /^Status Description:\s*(.+)$/,
    (m, sa) => {
      sa.statusDescription = m[1]!;
    },
  ],
  [
    /^Local id:\s*(.+)$/,
    (m, sa) => {
      sa.localId = m[1]!;
    },
  ],
  [
    /^Remote id:\s*(.+)$/,
    (m, sa) => {
      sa.remoteId = m[1]!;
    },
  ],
  [
    // IOS-XE pads these with extra spaces (`NAT-T is detected  outside`)
    /^NAT-T is (not\s+detected|detected\s+(inside|outside))/,
    (m, sa) => {
      sa.nat = m[2] === "inside" ? "local" : m[2] === "outside" ? "remote" : "none";
    },
  ],
];

function newSa(tunnelId: string, fvrf: string, ivrf: string, status: string): IosIkev2Sa {
  return {
    tunnelId,
    local: "",
    localPort: null,
    remote: "",
    remotePort: null,
    fvrf,
    ivrf,
    status,
    lifetimeSeconds: null,
    activeSeconds: null,
    statusDescription: null,
    localId: null,
    remoteId: null,
    nat: null,
  };
}

export function parseIosIkev2Sas(text: string): IosIkev2Sa[] {
  rejectIosError(text, "show crypto ikev2 sa");
  const sas: IosIkev2Sa[] = [];
  let sa: IosIkev2Sa | null = null;
  for (const raw of iosLines(text)) {
    const line = raw.trim();
    const v4 = line.match(V4_ROW);
    const v6 = v4 ? null : line.match(V6_ROW);
    if (v4) {
      const local = splitHostPort(v4[2]!);
      const remote = splitHostPort(v4[3]!);
      sa = {
        ...newSa(v4[1]!, v4[4]!, v4[5]!, v4[6]!),
        ...{ local: local.host, localPort: local.port, remote: remote.host, remotePort: remote.port },
      };
      sas.push(sa);
    } else if (v6) {
      sa = newSa(v6[1]!, v6[2]!, v6[3]!, v6[4]!);
      sas.push(sa);
    } else if (sa) {
      applyFirstRule(line, SA_RULES, sa);
    }
  }
  // the IPv6 form names its addresses on later lines: a row that never got them is not an SA
  return sas.filter((s) => s.local && s.remote);
}
