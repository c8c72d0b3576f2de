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
