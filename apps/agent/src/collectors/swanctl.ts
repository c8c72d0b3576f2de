import type { IpsecChildSa, IpsecSa } from "@dmvpn/protocol";
import { CollectorError } from "./vtysh-output";

/**
 * `swanctl --list-sas --pretty`: one `list-sa event { ... }` block per IKE SA, nested `name {` sections,
 * `key = value` lines and `name [ ... ]` lists.
 */
type Section = { values: Map<string, string>; lists: Map<string, string[]>; sections: Map<string, Section> };

const newSection = (): Section => ({ values: new Map(), lists: new Map(), sections: new Map() });

export function parseSwanctlPretty(text: string): Section[] {
  const events: Section[] = [];
  const stack: Section[] = [];
  let list: string[] | null = null;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (!line) continue;
    if (list) {
      if (line === "]") list = null;
      else list.push(line);
      continue;
    }
    const open = line.match(/^(.+?)\s*\{$/);
    const listStart = line.match(/^(\S+)\s*\[$/);
    const value = line.match(/^(\S+)\s*=\s*(.*)$/);
    if (open) {
      const section = newSection();
      const parent = stack.at(-1);
      if (parent) parent.sections.set(open[1]!, section);
      else events.push(section);
      stack.push(section);
    } else if (line === "}") {
      if (!stack.pop()) throw new CollectorError("swanctl output has an unbalanced '}'");
    } else if (listStart) {
      const current = stack.at(-1);
      if (!current) throw new CollectorError("swanctl output has a list outside a section");
      list = [];
      current.lists.set(listStart[1]!, list);
    } else if (value) {
      stack.at(-1)?.values.set(value[1]!, value[2]!);
    }
  }
  if (stack.length) throw new CollectorError("swanctl output ended inside a section");
  return events;
}

const num = (v: string | undefined) => {
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
};

function childSa(name: string, s: Section): IpsecChildSa {
  return {
    name: s.values.get("name") ?? name,
    uniqueId: s.values.get("uniqueid") ?? "",
    state: s.values.get("state") ?? "UNKNOWN",
    mode: s.values.get("mode") ?? null,
    bytesIn: num(s.values.get("bytes-in")) ?? 0,
    bytesOut: num(s.values.get("bytes-out")) ?? 0,
    packetsIn: num(s.values.get("packets-in")) ?? 0,
    packetsOut: num(s.values.get("packets-out")) ?? 0,
    installedSeconds: num(s.values.get("install-time")),
    localTs: s.lists.get("local-ts") ?? [],
    remoteTs: s.lists.get("remote-ts") ?? [],
  };
}

export function parseSwanctlSas(text: string): IpsecSa[] {
  const sas: IpsecSa[] = [];
  for (const event of parseSwanctlPretty(text)) {
    for (const [name, ike] of event.sections) {
      const children = ike.sections.get("child-sas");
      sas.push({
        name,
        uniqueId: ike.values.get("uniqueid") ?? "",
        state: ike.values.get("state") ?? "UNKNOWN",
        localHost: ike.values.get("local-host") ?? null,
        remoteHost: ike.values.get("remote-host") ?? null,
        remoteId: ike.values.get("remote-id") ?? null,
        establishedSeconds: num(ike.values.get("established")),
        natRemote: ike.values.get("nat-remote") === "yes",
        children: children ? [...children.sections].map(([childName, c]) => childSa(childName, c)) : [],
      });
    }
  }
  return sas;
}
