import { iosLines, rejectIosError, splitHostPort } from "./ios-text";

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
    let m = line.match(V4_ROW);
    if (m) {
      sa = newSa(m[1]!, m[4]!, m[5]!, m[6]!);
      const local = splitHostPort(m[2]!);
      const remote = splitHostPort(m[3]!);
      Object.assign(sa, { local: local.host, localPort: local.port, remote: remote.host, remotePort: remote.port });
      sas.push(sa);
      continue;
    }
    if ((m = line.match(V6_ROW))) {
      sa = newSa(m[1]!, m[2]!, m[3]!, m[4]!);
      sas.push(sa);
      continue;
    }
    if (!sa) continue;
    if ((m = line.match(/^(Local|Remote)\s+(\S+\/\d+)$/))) {
      const { host, port } = splitHostPort(m[2]!);
      if (m[1] === "Local") Object.assign(sa, { local: host, localPort: port });
      else Object.assign(sa, { remote: host, remotePort: port });
    } else if ((m = line.match(/^Life\/Active Time:\s*(\d+)\/(\d+) sec/))) {
      sa.lifetimeSeconds = Number(m[1]);
      sa.activeSeconds = Number(m[2]);
    } else if ((m = line.match(/^Status Description:\s*(.+)$/))) {
      sa.statusDescription = m[1]!;
    } else if ((m = line.match(/^Local id:\s*(.+)$/))) {
      sa.localId = m[1]!;
    } else if ((m = line.match(/^Remote id:\s*(.+)$/))) {
      sa.remoteId = m[1]!;
    } else if ((m = line.match(/^NAT-T is (not\s+detected|detected\s+(inside|outside))/))) {
      // IOS-XE pads these with extra spaces (`NAT-T is detected  outside`)
      sa.nat = m[2] === "inside" ? "local" : m[2] === "outside" ? "remote" : "none";
    }
  }
  // the IPv6 form names its addresses on later lines: a row that never got them is not an SA
  return sas.filter((s) => s.local && s.remote);
}
