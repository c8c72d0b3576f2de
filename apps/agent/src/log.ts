export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** One JSON object per line on stderr (journald / VyOS logs pick it up). Callers never pass secrets. */
export function createLogger(minLevel: LogLevel = "info"): Logger {
  return (level, message, fields) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  };
}

export const silentLogger: Logger = () => {};

/**
 * Runs one step and logs it with its duration: "done" at info, "failed" at warn. The error text is not logged (it
 * can quote router config, and the apply result carries it to the console anyway).
 */
export async function timedStep<T>(
  log: Logger,
  step: string,
  fields: Record<string, unknown>,
  fn: () => Promise<T>,
): Promise<T> {
  const startedAt = performance.now();
  const ms = () => Math.round(performance.now() - startedAt);
  try {
    const result = await fn();
    log("info", `${step}: done`, { ...fields, ms: ms() });
    return result;
  } catch (e) {
    log("warn", `${step}: failed`, { ...fields, ms: ms() });
    throw e;
  }
}
