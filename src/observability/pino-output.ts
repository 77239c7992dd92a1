import { createRequire } from "node:module";
import { pino, stdSerializers, type DestinationStream } from "pino";
import { formatLine } from "./log-format.js";
import type { LoggerLike, ResolvedLogging } from "./logging-config.js";

/** Keys pino adds to every line, not part of what this library logged. */
const PINO_KEYS = new Set(["level", "time", "pid", "hostname", "msg"]);

/**
 * Field names that must never reach a log line in clear, whoever logs them (the
 * application through `client.logger` included).
 */
const REDACTED = [
  "password",
  "*.password",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "key",
  "*.key",
  "passphrase",
  "*.passphrase",
];

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

function loadPretty(): PrettyFactory {
  // pino-pretty is an optional dependency, loaded only when `prettify` asks for it.
  const load = createRequire(import.meta.url);
  try {
    return load("pino-pretty") as PrettyFactory;
  } catch (err) {
    throw new Error(
      "option 'logging.prettify' needs the optional package pino-pretty: npm install pino-pretty",
      { cause: err },
    );
  }
}

function prettyStream(config: ResolvedLogging): DestinationStream {
  return loadPretty()({
    sync: true,
    ignore: config.prettifySource ? "pid,hostname,component,identity" : "pid,hostname",
    hideObject: config.prettifyMetadata,
    messageFormat: (log: Record<string, unknown>, messageKey: string) => {
      const fields: Record<string, unknown> = {};
      for (const key of Object.keys(log)) if (!PINO_KEYS.has(key)) fields[key] = log[key];
      return formatLine(fields, typeof log[messageKey] === "string" ? log[messageKey] : "", {
        prettifySource: config.prettifySource,
        prettifyMetadata: config.prettifyMetadata,
      }).text;
    },
  });
}

/**
 * Node's default output: pino, JSON lines on stdout (or pino-pretty's readable lines with
 * `prettify`). Secrets are redacted by field name; Errors under `err` or `error` keep their
 * message and stack.
 */
export function pinoOutput(config: ResolvedLogging): LoggerLike {
  const options = {
    level: config.level,
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
    redact: { paths: REDACTED, censor: "[redacted]" },
  };
  return config.prettify ? pino(options, prettyStream(config)) : pino(options);
}
