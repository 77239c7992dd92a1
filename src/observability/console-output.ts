import { formatLine } from "./log-format.js";
import type { LoggerLike, ResolvedLogging } from "./logging-config.js";

type ConsoleMethod = "debug" | "info" | "warn" | "error";

/** The browser's default output: the console, one readable line per entry. */
export function consoleOutput(config: ResolvedLogging): LoggerLike {
  const line =
    (method: ConsoleMethod) =>
    (fields: object, message = ""): void => {
      const { text, rest } = formatLine(fields as Record<string, unknown>, message, config);
      if (rest) console[method](text, rest);
      else console[method](text);
    };
  return {
    trace: line("debug"),
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
    fatal: line("error"),
  };
}
