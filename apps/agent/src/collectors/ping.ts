import type { PingOutcome } from "../drivers/driver";

/** iputils `ping` summary lines: "3 packets transmitted, 2 received, …" and "rtt min/avg/max/mdev = a/b/c/d ms". */
export function parsePingOutput(output: string, requested: number): PingOutcome {
  const counts = output.match(/(\d+) packets transmitted, (\d+) (?:packets )?received/);
  const rtt = output.match(/(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = [\d.]+\/([\d.]+)\//);
  return {
    sent: counts ? Number(counts[1]) : requested,
    received: counts ? Number(counts[2]) : 0,
    rttAvgMs: rtt ? Number(rtt[1]) : null,
    output: output.slice(0, 60_000),
  };
}
