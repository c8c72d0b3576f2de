import { CollectorError } from "./vtysh-output";

/**
 * What the Cisco IOS / IOS-XE parsers share. IOS has no structured output for these shows on the trains we target
 * (IOS 15.x, IOS-XE 16/17), so the parsers read the text; published captures differ in line ends (CRLF from
 * terminal logs), indentation (pasted into documents) and column spacing, so lines are compared by their tokens,
 * never by column positions.
 */

/** The lines without their line ends (LF or CRLF) and without trailing blanks. */
export function iosLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.replace(/\s+$/, ""));
}

// IOS's own rejections of a command: an answer we cannot read as "nothing configured".
const REJECTION = /^% ?(Invalid input|Incomplete command|Ambiguous command|Unknown command|Unrecognized command)/;

/** Throws a CollectorError naming the command when IOS refused it (a typo, an image without the feature). */
export function rejectIosError(text: string, command: string): void {
  const line = iosLines(text)
    .map((l) => l.trim())
    .find((l) => REJECTION.test(l));
  if (line) throw new CollectorError(`${command}: IOS refused the command: ${line.slice(0, 120)}`);
}

const UNIT_SECONDS: Record<string, number> = { y: 365 * 86_400, w: 7 * 86_400, d: 86_400, h: 3_600, m: 60, s: 1 };

/**
 * IOS's durations: `hh:mm:ss` below a day, then two units (`6d12h`, `3w5d`, `1y10w`); `never` and anything else is
 * null. A year counts 365 days: IOS rounds these long durations to whole units anyway.
 */
export function parseIosDuration(value: string): number | null {
  const v = value.trim();
  const clock = v.match(/^(\d+):(\d{2}):(\d{2})$/);
  if (clock) return Number(clock[1]) * 3_600 + Number(clock[2]) * 60 + Number(clock[3]);
  if (!/^(\d+[ywdhms])+$/.test(v)) return null;
  let total = 0;
  for (const [, n, unit] of v.matchAll(/(\d+)([ywdhms])/g)) total += Number(n) * UNIT_SECONDS[unit!]!;
  return total;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^(?=.*:)[0-9A-Fa-f:.]{2,45}$/;

export function isIpAddress(token: string): boolean {
  return IPV4.test(token) || IPV6.test(token);
}

/** `Tunnel0`, `Tu0`, `tunnel 0` name the same interface. */
export function sameInterface(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/\s+/g, "")
      .replace(/^tu(nnel)?(?=\d)/, "tunnel");
  return norm(a) === norm(b);
}

/** `10.1.1.1/500` to its address and port; IPv6 addresses keep their colons. */
export function splitHostPort(value: string): { host: string; port: number | null } {
  const m = value.match(/^(.+)\/(\d+)$/);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: value, port: null };
}

/** A line pattern and what a match of it sets. */
export type LineRule<S> = readonly [RegExp, (m: RegExpMatchArray, state: S) => void];

/** Applies the first rule whose pattern matches the line; false when none does. */
export function applyFirstRule<S>(line: string, rules: readonly LineRule<S>[], state: S): boolean {
  for (const [pattern, apply] of rules) {
    const m = line.match(pattern);
    if (m) {
      apply(m, state);
      return true;
    }
  }
  return false;
}
