import { describe } from "../rpc/options.js";

/** Log levels, lowest first, with pino's numbers. `silent` logs nothing. */
export const LOG_LEVELS = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
} as const;

export type LogLevel = keyof typeof LOG_LEVELS;

/** A level a line is written at (every level but `silent`). */
export type LineLevel = Exclude<LogLevel, "silent">;

/**
 * A logger this library can write to: pino's interface (and anything compatible), called the
 * pino way, object first: `logger.info({ identity, code }, "disconnected")`. Levels a logger
 * lacks fall back (trace → debug, fatal → error).
 */
export interface LoggerLike {
  trace?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  fatal?(obj: object, msg?: string): void;
}

/** One log line as `LoggingConfig.handler` receives it. */
export interface LogEntry {
  level: LineLevel;
  /** Milliseconds since the epoch. */
  time: number;
  message: string;
  /** `OCPPClient`, `BrowserOCPPClient` or `OCPPServer`. */
  component: string;
  /** The station the line is about, when there is one. */
  identity: string | undefined;
  /** Everything else the line carries (error, code, method...). */
  metadata: Record<string, unknown>;
}

/** What the exchange log's payload hook learns about a message. */
export interface ExchangePayloadInfo {
  direction: "IN" | "OUT";
  type: string;
  method: string | undefined;
}

/** The exchange log's options, when `exchangeLog` is an object. */
export interface ExchangeLogOptions {
  /**
   * Logs each message's payload as this function returns it: the place to drop or mask
   * personal data (idTags, idTokens). Without it payloads are never logged.
   */
  payload?: (payload: unknown, info: ExchangePayloadInfo) => unknown;
}

/** Seed 002 LoggingConfig. `logging: false` is the same as `{ enabled: false }`. */
export interface LoggingConfig {
  /** Default true. */
  enabled?: boolean;
  /** Lowest level written. Default 'info'. */
  level?: LogLevel;
  /** Human-readable lines (pino-pretty, an optional dependency) instead of JSON. Node only. Default false. */
  prettify?: boolean;
  /** A line per OCPP message (direction, type, method, id, size, round trip). Default false. */
  exchangeLog?: boolean | ExchangeLogOptions;
  /** Your own pino (or pino-compatible) logger instead of the default one. */
  logger?: LoggerLike;
  /** Receives every line as an object; replaces the default output unless `logger` is set too. */
  handler?: (entry: LogEntry) => void | Promise<void>;
  /** Include the line's metadata. Default true. */
  showMetadata?: boolean;
  /** Include component and identity. Default true. */
  showSourceMeta?: boolean;
  /** Readable output: a compact `[OCPPServer/CP-1]` tag instead of fields. Default false. */
  prettifySource?: boolean;
  /** Readable output: metadata as `key=value` pairs. Default false. */
  prettifyMetadata?: boolean;
}

export type ResolvedLogging = Required<
  Pick<
    LoggingConfig,
    "level" | "prettify" | "showMetadata" | "showSourceMeta" | "prettifySource" | "prettifyMetadata"
  >
> &
  Pick<LoggingConfig, "logger" | "handler"> & { exchangeLog: ExchangeLogOptions | undefined };

const BOOLEAN_FIELDS = [
  "enabled",
  "prettify",
  "showMetadata",
  "showSourceMeta",
  "prettifySource",
  "prettifyMetadata",
] as const;

const FIELDS = new Set<string>([...BOOLEAN_FIELDS, "level", "exchangeLog", "logger", "handler"]);

function checkLogger(name: string, value: unknown): void {
  const logger = value as Record<string, unknown> | null;
  const missing =
    typeof logger !== "object" || logger === null
      ? ["info", "warn", "error"]
      : ["info", "warn", "error"].filter((level) => typeof logger[level] !== "function");
  if (missing.length > 0) {
    throw new TypeError(
      `option '${name}' must be a pino-compatible logger (methods info, warn, error); missing ${missing.join(", ")}`,
    );
  }
}

function checkExchangeLog(name: string, value: unknown): void {
  if (typeof value === "boolean") return;
  if (typeof value !== "object" || value === null) {
    throw new TypeError(
      `option '${name}' must be a boolean or { payload }, got ${describe(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (key !== "payload") throw new TypeError(`option '${name}' has no field '${key}'`);
  }
  const payload = (value as ExchangeLogOptions).payload;
  if (payload !== undefined && typeof payload !== "function") {
    throw new TypeError(`option '${name}.payload' must be a function (payload, info) => logged`);
  }
}

/**
 * Checks a `logging` option; returns undefined when logging is off. Every field is checked,
 * each error naming it (`logging.level`).
 */
export function resolveLogging(name: string, value: unknown): ResolvedLogging | undefined {
  if (value === undefined) value = {};
  if (value === false) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`option '${name}' must be a LoggingConfig object or false`);
  }
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!FIELDS.has(key)) {
      throw new TypeError(
        `option '${name}' has no field '${key}' (fields: ${[...FIELDS].join(", ")})`,
      );
    }
  }
  for (const key of BOOLEAN_FIELDS) {
    const field = config[key];
    if (field !== undefined && typeof field !== "boolean") {
      throw new TypeError(`option '${name}.${key}' must be a boolean, got ${describe(field)}`);
    }
  }
  const level = config.level ?? "info";
  if (typeof level !== "string" || !Object.hasOwn(LOG_LEVELS, level)) {
    throw new TypeError(
      `option '${name}.level' must be one of ${Object.keys(LOG_LEVELS).join(", ")}, got ${describe(level)}`,
    );
  }
  if (config.logger !== undefined) checkLogger(`${name}.logger`, config.logger);
  if (config.handler !== undefined && typeof config.handler !== "function") {
    throw new TypeError(`option '${name}.handler' must be a function (entry) => void`);
  }
  if (config.exchangeLog !== undefined) checkExchangeLog(`${name}.exchangeLog`, config.exchangeLog);
  if (config.enabled === false || level === "silent") return undefined;
  const input = config as LoggingConfig;
  return {
    level: level as LogLevel,
    prettify: input.prettify ?? false,
    showMetadata: input.showMetadata ?? true,
    showSourceMeta: input.showSourceMeta ?? true,
    prettifySource: input.prettifySource ?? false,
    prettifyMetadata: input.prettifyMetadata ?? false,
    logger: input.logger,
    handler: input.handler,
    exchangeLog:
      input.exchangeLog === true ? {} : input.exchangeLog === false ? undefined : input.exchangeLog,
  };
}
