import type { RenderedFile } from "./types";

// Every target writes the BGP timers on lines of their own: ` timers bgp K H` (FRR, IOS) and
// `set protocols bgp timers holdtime|keepalive` (VyOS).
const BGP_TIMER_LINE = /\btimers (bgp|holdtime|keepalive)\b/;

function bgpTimerLines(files: readonly RenderedFile[]): string[] {
  return files.flatMap((f) =>
    f.content
      .split("\n")
      .filter((line) => BGP_TIMER_LINE.test(line))
      .map((line) => line.trim()),
  );
}

/**
 * Whether a change of config changes the BGP keepalive or hold time. Routers agree the hold time when a session
 * opens (FRR, VyOS and IOS alike), so sessions already up keep the old timers until they restart: the deployment
 * preview says so rather than let the operator believe failover is faster from the moment of the deploy.
 */
export function bgpTimersChanged(before: readonly RenderedFile[], after: readonly RenderedFile[]): boolean {
  const a = bgpTimerLines(before);
  const b = bgpTimerLines(after);
  return a.length !== b.length || a.some((line, i) => line !== b[i]);
}
