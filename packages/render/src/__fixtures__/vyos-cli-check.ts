import { readFileSync } from "node:fs";
import { isIPv4Address, prefixProblem } from "@dmvpn/inventory";

/** Checks VyOS `set` lines against a CLI tree extracted from VyOS's interface definitions (see fixtures/vyos-cli). */
interface CliNode {
  kind: "node" | "tag" | "leaf";
  valueless?: true;
  multi?: true;
  regex?: string[];
  validators?: string[];
  children?: Record<string, CliNode>;
}

export function loadVyosCliTree(version: "1.4" | "1.5"): Record<string, CliNode> {
  const file = new URL(`../../fixtures/vyos-cli/vyos-${version}.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { tree: Record<string, CliNode> }).tree;
}

/** Splits `set a b 'c d'` into words, unquoting single-quoted ones. */
export function splitSetLine(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? (m[2] as string));
  return words;
}

function validatorAccepts(spec: string, value: string): boolean | null {
  const [name, ...args] = spec.split(" ");
  switch (name) {
    case "numeric": {
      if (!/^\d+$/.test(value)) return false;
      const range = args[0] === "--range" ? args[1] : undefined;
      if (!range) return true;
      const [lo, hi] = range.split("-").map(Number);
      return Number(value) >= (lo as number) && Number(value) <= (hi as number);
    }
    case "ip-address":
    case "ipv4-address":
      return isIPv4Address(value);
    case "ip-host":
    case "ipv4-host": {
      const [addr, len] = value.split("/");
      return isIPv4Address(addr ?? "") && /^\d+$/.test(len ?? "") && Number(len) <= 32;
    }
    case "ip-prefix":
    case "ipv4-prefix":
      return prefixProblem(value) === null;
    case "ipv6-prefix":
    case "ipv6-address":
      return false;
    default:
      return null;
  }
}

function valueAccepted(node: CliNode, value: string): boolean {
  const regexes = (node.regex ?? []).map((r) => new RegExp(`^(?:${r.replaceAll("[:space:]", "\\s")})$`));
  const validators = node.validators ?? [];
  if (regexes.length === 0 && validators.length === 0) return true;
  if (regexes.some((r) => r.test(value))) return true;
  // A validator we cannot run (e.g. file-path lookups on the router) is not held against the value.
  return validators.some((v) => validatorAccepts(v, value) !== false);
}

/**
 * Returns one problem per bad line; an empty list means every line is a valid VyOS path and value. `delete`
 * lines may stop at any node and may leave a leaf's value out.
 */
export function checkVyosSetLines(tree: Record<string, CliNode>, lines: string[]): string[] {
  const problems: string[] = [];
  const singleValues = new Map<string, string>();
  for (const line of lines) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const words = splitSetLine(line);
    const isDelete = words[0] === "delete";
    if (words[0] !== "set" && !isDelete) {
      problems.push(`${line}: not a set or delete command`);
      continue;
    }
    let children: Record<string, CliNode> | undefined = tree;
    let i = 1;
    let node: CliNode | undefined;
    let problem: string | null = null;
    const keyParts: string[] = [];
    while (i < words.length) {
      const word = words[i] as string;
      node = children?.[word];
      if (!node) {
        problem = `unknown node '${word}' after '${words.slice(1, i).join(" ")}'`;
        break;
      }
      keyParts.push(word);
      i++;
      if (node.kind === "tag") {
        const tagValue = words[i];
        if (tagValue === undefined) break;
        if (!valueAccepted(node, tagValue)) {
          problem = `'${tagValue}' is not a valid ${word}`;
          break;
        }
        keyParts.push(tagValue);
        i++;
      } else if (node.kind === "leaf") {
        const value = words[i];
        if (node.valueless && value !== undefined) problem = `${word} takes no value`;
        else if (!node.valueless && value === undefined && !isDelete) problem = `${word} needs a value`;
        else if (value !== undefined && !valueAccepted(node, value)) problem = `'${value}' is not a valid ${word}`;
        else if (words.length > i + 1) problem = `trailing words after ${word}`;
        else if (value !== undefined && !node.multi && !isDelete) {
          const key = keyParts.join(" ");
          const before = singleValues.get(key);
          if (before !== undefined && before !== value)
            problem = `${word} set twice (${before}, ${value}) but is not multi-valued`;
          singleValues.set(key, value);
        }
        break;
      }
      children = node.children;
    }
    if (problem) problems.push(`${line}: ${problem}`);
  }
  return problems;
}
