import {
  LOG_LEVELS,
  type LineLevel,
  type LogEntry,
  type LoggerLike,
  type ResolvedLogging,
} from "./logging-config.js";

/** Who a line is about: the component and, when there is one, the station. */
export interface LogSource {
  readonly component: string;
  readonly identity?: string | undefined;
}

/** A source whose identity is read at each line: a client's identity can change (reconfigure). */
export function liveSource(component: string, owner: { readonly identity: string }): LogSource {
  return {
    component,
    get identity() {
      return owner.identity;
    },
  };
}

/** Where a line goes, after the level check: one call per line (a promise is a pending write). */
export type LogWrite = (
  level: LineLevel,
  message: string,
  metadata: Record<string, unknown>,
  source: LogSource,
) => unknown;

/** Builds the platform's default output (pino on Node, the console in a browser). */
export type DefaultLogOutput = (config: ResolvedLogging) => LoggerLike;

const FALLBACK: Record<LineLevel, keyof LoggerLike> = {
  trace: "debug",
  debug: "info",
  info: "info",
  warn: "warn",
  error: "error",
  fatal: "error",
};

/**
 * The `logger` of a client or server: bound to a component and an identity, filtered by the
 * configured level, accepting both `logger.warn("text", { meta })` and pino's
 * `logger.warn({ meta }, "text")`. A disabled one costs a comparison per call.
 */
export class Logger {
  /** Lines at or above this level are written (Infinity when logging is off). */
  private readonly threshold: number;

  constructor(
    private readonly write: LogWrite | undefined,
    private readonly source: LogSource,
    level: keyof typeof LOG_LEVELS,
    private readonly bindings?: Readonly<Record<string, unknown>>,
  ) {
    this.threshold = write ? LOG_LEVELS[level] : Infinity;
  }

  /** False when logging is off (`logging: false`, `enabled: false` or level 'silent'). */
  get enabled(): boolean {
    return this.threshold !== Infinity;
  }

  isLevelEnabled(level: LineLevel): boolean {
    return LOG_LEVELS[level] >= this.threshold;
  }

  trace(message: string, metadata?: object): void;
  trace(metadata: object, message?: string): void;
  trace(a: string | object, b?: string | object): void {
    this.log("trace", a, b);
  }

  debug(message: string, metadata?: object): void;
  debug(metadata: object, message?: string): void;
  debug(a: string | object, b?: string | object): void {
    this.log("debug", a, b);
  }

  /** `info("text", { meta })` (the seed's form) or `info({ meta }, "text")` (pino's). */
  info(message: string, metadata?: object): void;
  info(metadata: object, message?: string): void;
  info(a: string | object, b?: string | object): void {
    this.log("info", a, b);
  }

  warn(message: string, metadata?: object): void;
  warn(metadata: object, message?: string): void;
  warn(a: string | object, b?: string | object): void {
    this.log("warn", a, b);
  }

  error(message: string, metadata?: object): void;
  error(metadata: object, message?: string): void;
  error(a: string | object, b?: string | object): void {
    this.log("error", a, b);
  }

  fatal(message: string, metadata?: object): void;
  fatal(metadata: object, message?: string): void;
  fatal(a: string | object, b?: string | object): void {
    this.log("fatal", a, b);
  }

  /**
   * A logger whose lines also carry `bindings`; `identity` (and `component`) in them rebind
   * the source.
   */
  child(bindings: Record<string, unknown>): Logger {
    const { component, identity, ...rest } = bindings;
    const source: LogSource = {
      component: typeof component === "string" ? component : this.source.component,
      identity: typeof identity === "string" ? identity : this.source.identity,
    };
    const level = this.enabled ? levelOf(this.threshold) : "silent";
    const merged = this.bindings ? { ...this.bindings, ...rest } : rest;
    return new Logger(this.write, source, level, Object.keys(merged).length ? merged : undefined);
  }

  private log(level: LineLevel, a: unknown, b: unknown): void {
    if (LOG_LEVELS[level] < this.threshold) return;
    let message: string;
    let metadata: Record<string, unknown>;
    if (typeof a === "string") {
      message = a;
      metadata = asMetadata(b);
    } else {
      metadata = asMetadata(a);
      message = typeof b === "string" ? b : a instanceof Error ? a.message : "";
    }
    if (this.bindings) metadata = { ...this.bindings, ...metadata };
    this.write!(level, message, metadata, this.source);
  }
}

function levelOf(threshold: number): LineLevel {
  return (Object.keys(LOG_LEVELS) as LineLevel[]).find((l) => LOG_LEVELS[l] === threshold)!;
}

function asMetadata(value: unknown): Record<string, unknown> {
  if (value instanceof Error) return { err: value };
  if (typeof value === "object" && value !== null) return value as Record<string, unknown>;
  return value === undefined ? {} : { value };
}

/** Logging code must never break the connection it reports on: failures are contained. */
function contained(write: LogWrite): LogWrite {
  let reported = false;
  const report = (err: unknown) => {
    if (reported) return;
    reported = true;
    globalThis.console?.warn?.("ocpp-ws-io: a log output failed; further failures are silent", err);
  };
  return (level, message, metadata, source) => {
    try {
      const out = write(level, message, metadata, source);
      if (out && typeof (out as Promise<void>).then === "function") {
        (out as Promise<void>).then(undefined, report);
      }
    } catch (err) {
      report(err);
    }
  };
}

/** Calls a pino-style logger object first, with the source fields as the config says. */
function toLoggerLike(target: LoggerLike, config: ResolvedLogging): LogWrite {
  return (level, message, metadata, source) => {
    const fields: Record<string, unknown> = {};
    if (config.showSourceMeta) {
      fields.component = source.component;
      if (source.identity !== undefined) fields.identity = source.identity;
    }
    if (config.showMetadata) Object.assign(fields, metadata);
    const name = typeof target[level] === "function" ? level : FALLBACK[level];
    if (typeof target[name] === "function") target[name](fields, message);
  };
}

function toHandler(handler: NonNullable<ResolvedLogging["handler"]>): LogWrite {
  return (level, message, metadata, source) => {
    const entry: LogEntry = {
      level,
      time: Date.now(),
      message,
      component: source.component,
      identity: source.identity,
      metadata,
    };
    return handler(entry);
  };
}

/**
 * The root logger of a component for a `logging` option (undefined = off). `defaultOutput`
 * is used only when neither `logger` nor `handler` is given.
 */
export function createLogger(
  config: ResolvedLogging | undefined,
  source: LogSource,
  defaultOutput: DefaultLogOutput,
): Logger {
  if (!config) return new Logger(undefined, source, "silent");
  const outputs: LogWrite[] = [];
  if (config.logger) outputs.push(contained(toLoggerLike(config.logger, config)));
  if (config.handler) outputs.push(contained(toHandler(config.handler)));
  if (outputs.length === 0) outputs.push(contained(toLoggerLike(defaultOutput(config), config)));
  const write: LogWrite =
    outputs.length === 1
      ? outputs[0]!
      : (...line) => {
          for (const out of outputs) out(...line);
        };
  return new Logger(write, source, config.level);
}
