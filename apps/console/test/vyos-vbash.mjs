#!/usr/bin/env node
// Stand-in for VyOS's `vbash <script>` in the VyOS-shaped test root: a small configuration store that records
// every session. It models only what the agent's VyOS driver uses, the way vyatta-cfg / vyos-1x behave:
// - `configure` opens a working copy of the active config; `set`/`delete` change only the working copy;
// - `commit` makes it active; `commit-confirm N` makes it active and arms a revert (recorded, never fired: the
//   test confirms well inside the window); `confirm` disarms it, and with nothing armed does nothing, as vyos-1x
//   config_mgmt.py answers "No confirm pending" with exit 0; a second `commit-confirm` while one is armed fails
//   ("Another confirm is pending", ibid.); `exit` with uncommitted changes is refused, as VyOS refuses it
//   ("Cannot exit: configuration modified.", VyOS docs, configuration mode);
// - `save [file]` writes the active config (to /config/config.boot by default), `load file` reads one into the
//   working copy. The file is this store's own form (`set` lines), not config.boot: the agent only passes a saved
//   file back to `load`, it never reads one;
// - `set` adds a statement (a multi-valued leaf's behaviour; VyOS replaces a single-valued leaf's value, but the
//   driver deletes a changed leaf before setting it, so both behave the same for its sessions); `delete path`
//   removes the node and everything under it, `delete path 'value'` one value of a leaf. Deleting what is not
//   there fails here, stricter than needed: the driver deletes only what `show configuration commands` printed;
// - `show configuration commands` prints one `set` line per leaf value and per empty node, path words and tag
//   values bare and every leaf value single-quoted (vyos1x-config Config_tree.Renderer.render_commands): the form
//   the driver parses (packages/render/src/vyos-ownership.ts parseVyosLine). A node with something under it is not
//   printed on its own, as on VyOS.
// Sessions are appended to /var/log/vbash.sessions, one JSON object a line: the script's commands, in order.
// Anything else fails loudly, so a driver using more than this models cannot pass by accident.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const ACTIVE = "/config/.vbash-standin/active.commands";
const PENDING_CONFIRM = "/config/.vbash-standin/commit-confirm.pending";
const SESSIONS = "/var/log/vbash.sessions";

/** `set`/`delete` words as vbash splits them: '…' literal, bare words; a quoted last word is a leaf value. */
function parseStatement(words) {
  const tokens = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(words); m; m = re.exec(words)) tokens.push({ text: m[1] ?? m[2], quoted: m[1] !== undefined });
  const last = tokens.at(-1);
  if (last?.quoted) return { path: tokens.slice(0, -1).map((t) => t.text), value: last.text };
  return { path: tokens.map((t) => t.text) };
}

const format = (s) => `set ${s.path.join(" ")}${s.value === undefined ? "" : ` '${s.value}'`}`;
const under = (s, path) => path.length <= s.path.length && path.every((w, i) => s.path[i] === w);

function readStore(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("set "))
    .map((l) => parseStatement(l.slice(4)));
}

/** Leaves and empty nodes only, sorted: VyOS prints nodes in its own order, the driver does not rely on it. */
function render(config) {
  const shown = config.filter(
    (s) => s.value !== undefined || !config.some((o) => o.path.length > s.path.length && under(o, s.path)),
  );
  return `${[...new Set(shown.map(format))].sort().join("\n")}\n`;
}

const script = readFileSync(process.argv[2], "utf8");
const commands = script.split("\n").filter((l) => l.trim() !== "");
appendFileSync(SESSIONS, `${JSON.stringify({ commands })}\n`);

mkdirSync("/config/.vbash-standin", { recursive: true });
let active = readStore(ACTIVE);
let working = null;
const fail = (message) => {
  process.stderr.write(`vbash stand-in: ${message}\n`);
  process.exit(1);
};

function run(command) {
  const [verb, ...rest] = command.split(" ");
  const args = rest.join(" ");
  if (command === "source /opt/vyatta/etc/functions/script-template") return;
  if (command === "run show configuration commands" || command === "show configuration commands") {
    process.stdout.write(render(active));
    return;
  }
  if (verb === "configure") {
    working = active.slice();
    return;
  }
  if (working === null) fail(`not in configuration mode: ${command}`);
  if (verb === "set") {
    const s = parseStatement(args);
    if (!working.some((o) => format(o) === format(s))) working.push(s);
  } else if (verb === "delete") {
    const d = parseStatement(args);
    const gone = working.filter((s) => (d.value === undefined ? under(s, d.path) : format(s) === format(d)));
    if (!gone.length) fail(`nothing to delete at ${args}`);
    working = working.filter((s) => !gone.includes(s));
  } else if (verb === "commit" || verb === "commit-confirm") {
    if (verb === "commit-confirm") {
      if (existsSync(PENDING_CONFIRM)) fail("another commit-confirm is pending");
      if (!/^\d+$/.test(args)) fail(`commit-confirm needs minutes: ${command}`);
      writeFileSync(PENDING_CONFIRM, `${args}\n`);
    }
    active = working.slice();
    writeFileSync(ACTIVE, render(active));
  } else if (verb === "confirm" && !args) {
    rmSync(PENDING_CONFIRM, { force: true });
  } else if (verb === "save") {
    writeFileSync(args || "/config/config.boot", render(active));
  } else if (verb === "load" && args) {
    working = readStore(args);
  } else if (verb === "exit" && !args) {
    if (render(working) !== render(active)) fail("exit with uncommitted changes");
    working = null;
  } else {
    fail(`not modelled: ${command}`);
  }
}

// `a && b`: the rollback script's chain; a set/delete line is one command whatever its quoted values hold.
for (const line of commands.map((l) => l.trim())) {
  for (const command of /^(set|delete) /.test(line) ? [line] : line.split(" && ")) run(command);
}
