#!/usr/bin/env node
// A scripted stand-in for the Cisco IOS CLI, run by a real OpenSSH server (ForceCommand) in the ios-ssh driver's
// integration test. NO REAL IOS RUNS IN THE TESTS. What it emulates, and only that: the prompts (`R1#`,
// `R1(config)#`, `R1(config-if)#`, …), the line echo of the terminal, `terminal length|width 0`,
// `configure terminal [revert timer N]`, `configure confirm`, `configure revert now`, `configure replace <file>`,
// `show running-config`, `write memory`, IOS's "% Invalid input detected at '^' marker." for commands it does not
// know, and a revert when the timer runs out (counted from leaving configuration mode; also while nobody is
// connected: checked whenever a session starts). An emulated minute lasts --minute-ms, or the state's minuteMs.
// Configuration is merged into an indentation tree as IOS merges typed lines, for the statements the renderer
// emits. Its other error texts ("% No rollback is pending" …) are its own, not IOS's: the driver only looks for a
// line starting with "%". The state (running and startup config, pending revert) lives in a JSON file, so a
// reconnecting session sees what the last one left. `show` commands other than running-config are served from
// files in --show-dir (named after the command, spaces as "_"), or refused.
//
//   node ios-cli.mjs --state FILE [--minute-ms N] [--show-dir DIR]
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { state: { type: "string" }, "minute-ms": { type: "string" }, "show-dir": { type: "string" } },
});
const STATE = values.state;
const MINUTE_MS = Number(values["minute-ms"] ?? 60_000);
if (!STATE) throw new Error("--state FILE is required");

const load = () =>
  existsSync(STATE)
    ? JSON.parse(readFileSync(STATE, "utf8"))
    : { hostname: "Router", running: [], startup: [], revert: null, files: {} };
const save = (s) => {
  writeFileSync(`${STATE}.tmp`, JSON.stringify(s, null, 1));
  renameSync(`${STATE}.tmp`, STATE);
};

/** The revert timer ran out: the running config goes back to its snapshot. */
function expire(s) {
  if (s.revert?.at && Date.now() >= s.revert.at) {
    s.running = s.revert.snapshot;
    s.revert = null;
    save(s);
  }
  return s;
}

const render = (nodes, depth = 0) =>
  nodes.flatMap((n) => [
    `${" ".repeat(depth)}${n.text}`,
    ...render(n.children, depth + 1),
    ...(depth === 0 && n.children.length ? ["!"] : []),
  ]);

// ---- configuration modes -------------------------------------------------------------------------------------------

/** [header pattern, mode name, what may be typed inside] */
const SECTIONS = [
  [
    /^interface \S+$/,
    "config-if",
    /^(description .+|ip address \S+ \S+|ip mtu \d+|ip tcp adjust-mss \d+|ip redirects|ip nhrp (authentication|network-id|holdtime|map|nhs|registration|redirect|shortcut)( .*)?|tunnel (source|mode|key|protection) .+|shutdown)$/,
  ],
  [
    /^router bgp \d+$/,
    "config-router",
    /^(bgp (router-id|log-neighbor-changes|default ipv4-unicast|listen range)( .*)?|neighbor \S+ (peer-group|remote-as|description|ebgp-multihop)( .*)?)$/,
  ],
  [/^crypto ikev2 proposal \S+$/, "config-ikev2-proposal", /^(encryption|integrity|group) .+$/],
  [/^crypto ikev2 policy \S+$/, "config-ikev2-policy", /^(proposal|match) .+$/],
  [/^crypto ikev2 keyring \S+$/, "config-ikev2-keyring", null],
  [
    /^crypto ikev2 profile \S+$/,
    "config-ikev2-profile",
    /^(match identity .+|authentication (local|remote) .+|keyring local \S+|lifetime \d+|dpd .+)$/,
  ],
  [/^crypto ipsec transform-set \S+ .+$/, "cfg-crypto-trans", /^mode (transport|tunnel)$/],
  [
    /^crypto ipsec profile \S+$/,
    "ipsec-profile",
    /^set (security-association lifetime seconds \d+|transform-set \S+|ikev2-profile \S+|pfs \S+)$/,
  ],
  [/^archive$/, "config-archive", /^(path \S+|maximum \d+|write-memory|time-period \d+)$/],
];
const SUB_SECTIONS = {
  "config-router": [
    [
      /^address-family ipv4( unicast)?$/,
      "config-router-af",
      /^(network \S+ \S+|aggregate-address \S+ \S+( summary-only)?|neighbor \S+ (activate|route-reflector-client|prefix-list \S+ (in|out)|next-hop-unchanged))$/,
    ],
  ],
  "config-ikev2-keyring": [[/^peer \S+$/, "config-ikev2-keyring-peer", /^(address \S+ \S+|pre-shared-key .+)$/]],
};
const GLOBAL_LEAF = /^(ip route \S+ \S+ \S+|ip prefix-list \S+ seq \d+ (permit|deny) \S+( (le|ge) \d+)*|hostname \S+)$/;
/** One value per statement: a new value replaces the old line. */
const SINGLE = [
  /^(description) /,
  /^(ip address) /,
  /^(ip mtu) /,
  /^(ip tcp adjust-mss) /,
  /^(ip nhrp network-id) /,
  /^(ip nhrp holdtime) /,
  /^(ip nhrp authentication) /,
  /^(tunnel source) /,
  /^(tunnel mode) /,
  /^(tunnel key) /,
  /^(tunnel protection) /,
  /^(bgp router-id) /,
  /^(encryption) /,
  /^(integrity) /,
  /^(group) /,
  /^(lifetime) /,
  /^(dpd) /,
  /^(keyring local) /,
  /^(mode) /,
  /^(set transform-set) /,
  /^(set ikev2-profile) /,
  /^(set pfs) /,
  /^(set security-association lifetime seconds) /,
  /^(address) /,
  /^(pre-shared-key) /,
  /^(path) /,
  /^(neighbor \S+ remote-as) /,
  /^(neighbor \S+ description) /,
  /^(hostname) /,
];
const keyOf = (t) => (t.startsWith("crypto ipsec transform-set ") ? t.split(" ").slice(0, 4).join(" ") : t);

function setLine(children, text) {
  const single = SINGLE.map((r) => r.exec(text)?.[1]).find(Boolean);
  const at = children.findIndex(
    (c) => keyOf(c.text) === keyOf(text) || (single && c.text.startsWith(`${single} `)) || c.text === `no ${text}`,
  );
  if (at >= 0 && children[at].children.length === 0) children[at] = { text, children: [] };
  else if (at < 0) children.push({ text, children: [] });
}

function removeLine(children, what, recurse) {
  let removed = false;
  for (let i = children.length - 1; i >= 0; i--) {
    const t = children[i].text;
    if (t === what || t.startsWith(`${what} `) || keyOf(t) === what) {
      children.splice(i, 1);
      removed = true;
    } else if (recurse) removed = removeLine(children[i].children, what, false) || removed;
  }
  return removed;
}

// ---- the session ---------------------------------------------------------------------------------------------------

let state = expire(load());
/** exec, or the path of section headers we are in (empty: global configuration) */
let path = null;
let modes = [];

const prompt = () => {
  const mode = path === null ? "" : modes.length === 0 ? "(config)" : `(${modes.at(-1)})`;
  return `${state.hostname}${mode}#`;
};
const out = (text) => process.stdout.write(text);
const invalid = (line, at = 0) =>
  out(`${" ".repeat(prompt().length + at)}^\n% Invalid input detected at '^' marker.\n\n`);

function nodeAt(p) {
  let children = state.running;
  let node = null;
  for (const h of p) {
    node = children.find((c) => keyOf(c.text) === keyOf(h));
    children = node.children;
  }
  return { node, children };
}

function enter(children, header, mode, p) {
  const at = children.findIndex((c) => keyOf(c.text) === keyOf(header));
  if (at < 0) children.push({ text: header, children: [] });
  else children[at].text = header;
  path = [...p, header];
  modes = [...modes.slice(0, p.length), mode];
}

function configLine(line) {
  if (line === "end") {
    if (state.revert && !state.revert.at)
      state.revert.at = Date.now() + state.revert.minutes * (state.minuteMs ?? MINUTE_MS);
    path = null;
    modes = [];
    return;
  }
  if (line === "exit" || line === "exit-address-family") {
    if (path.length === 0) path = null;
    else {
      path = path.slice(0, -1);
      modes = modes.slice(0, -1);
    }
    return;
  }
  const neg = line.startsWith("no ");
  const body = neg ? line.slice(3) : line;
  // global statements leave any section, as on IOS
  const section = SECTIONS.find(([h]) => h.test(body) || (neg && h.test(`${body} x`)));
  const global =
    section || GLOBAL_LEAF.test(body) || (neg && /^(ip route|ip prefix-list|router bgp|crypto|interface)\b/.test(body));
  if (global) {
    path = [];
    modes = [];
    if (neg) {
      if (!removeLine(state.running, body, false)) return out("% No such configuration\n");
      return;
    }
    if (section) return enter(state.running, body, section[1], []);
    return setLine(state.running, body);
  }
  if (path.length === 0) return invalid(line);
  const mode = modes.at(-1);
  const sub = (SUB_SECTIONS[mode] ?? []).find(([h]) => h.test(body));
  const { children } = nodeAt(path);
  if (sub && !neg) return enter(children, body, sub[1], path);
  const allowed = [...SECTIONS, ...Object.values(SUB_SECTIONS).flat()].find(([, m]) => m === mode)?.[2];
  const known =
    allowed?.test(body) ||
    (neg && (sub || children.some((c) => c.text === body || c.text.startsWith(`${body} `)))) ||
    (neg && mode === "config-router" && /^neighbor \S+$/.test(body));
  if (!known) return invalid(line, line.indexOf(" ") + 1);
  if (neg) {
    if (!removeLine(children, body, mode === "config-router")) setLine(children, line);
    return;
  }
  setLine(children, body);
}

function execLine(line) {
  if (/^terminal (length|width) \d+$/.test(line)) return;
  const m = /^configure terminal( revert timer (\d+))?$/.exec(line);
  if (m) {
    if (m[2]) {
      const archive = state.running.find((n) => n.text === "archive");
      if (!archive?.children.some((c) => c.text.startsWith("path ")))
        return out("% Configure an archive path before using the revert timer\n");
      if (!state.revert) state.revert = { minutes: Number(m[2]), at: null, snapshot: structuredClone(state.running) };
    }
    out("Enter configuration commands, one per line.  End with CNTL/Z.\n");
    path = [];
    modes = [];
    return;
  }
  if (line === "configure confirm") {
    if (!state.revert) return out("% No rollback is pending\n");
    state.revert = null;
    return;
  }
  if (line === "configure revert now") {
    if (!state.revert) return out("% No rollback is pending\n");
    state.running = state.revert.snapshot;
    state.revert = null;
    return;
  }
  const replace = /^configure replace (\S+)( force)?$/.exec(line);
  if (replace) {
    const file = replace[1] === "nvram:startup-config" ? state.startup : state.files?.[replace[1]];
    if (!file) return out(`% Cannot open ${replace[1]}\n`);
    state.running = structuredClone(file);
    return;
  }
  if (line === "show running-config") {
    const body = [...render(state.running), "end"].join("\n");
    return out(`Building configuration...\n\nCurrent configuration : ${body.length} bytes\n!\n${body}\n\n`);
  }
  if (line === "write memory") {
    state.startup = structuredClone(state.running);
    return out("Building configuration...\n[OK]\n");
  }
  if (line.startsWith("show ") && values["show-dir"]) {
    const file = join(values["show-dir"], line.replaceAll(" ", "_"));
    if (existsSync(file)) return out(readFileSync(file, "utf8"));
  }
  return invalid(line);
}

const timer = setInterval(() => {
  if (!state.revert?.at || Date.now() < state.revert.at) return;
  state = expire(state);
  // the session's configuration mode ends with the revert
  path = null;
  modes = [];
}, 100);

out(`\n${prompt()}`);
const rl = createInterface({ input: process.stdin, terminal: false });
rl.on("line", (raw) => {
  state = expire(load());
  const line = raw.trim().replace(/\s+/g, " ");
  if (line === "" || line.startsWith("!")) return out(prompt());
  if (path === null && ["exit", "logout", "quit"].includes(line)) {
    clearInterval(timer);
    process.exit(0);
  }
  if (path === null) execLine(line);
  else configLine(line);
  save(state);
  out(prompt());
});
rl.on("close", () => {
  clearInterval(timer);
  process.exit(0);
});
