import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { pino, type Logger as PinoLogger } from "pino";
import type { LogEntry } from "../../src/index.js";

export type LogLine = Record<string, unknown> & { msg?: string; level: number };

/** A real pino logger writing JSON lines into memory, with a way to await a line. */
export class PinoCapture extends EventEmitter {
  readonly lines: LogLine[] = [];
  readonly logger: PinoLogger;

  constructor(level = "trace") {
    super();
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const text of chunk.toString("utf8").split("\n")) {
          if (!text) continue;
          const line = JSON.parse(text) as LogLine;
          this.lines.push(line);
          this.emit("line", line);
        }
        done();
      },
    });
    this.logger = pino({ level }, stream);
  }

  /** Resolves with the first line (already written or to come) that `match` accepts. */
  next(match: (line: LogLine) => boolean): Promise<LogLine> {
    const found = this.lines.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const onLine = (line: LogLine) => {
        if (!match(line)) return;
        this.off("line", onLine);
        resolve(line);
      };
      this.on("line", onLine);
    });
  }

  withMessage(msg: string): LogLine[] {
    return this.lines.filter((line) => line.msg === msg);
  }
}

/** Collects what a `logging.handler` receives. */
export class EntryCapture extends EventEmitter {
  readonly entries: LogEntry[] = [];
  readonly handler = (entry: LogEntry): void => {
    this.entries.push(entry);
    this.emit("entry", entry);
  };

  next(match: (entry: LogEntry) => boolean): Promise<LogEntry> {
    const found = this.entries.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const onEntry = (entry: LogEntry) => {
        if (!match(entry)) return;
        this.off("entry", onEntry);
        resolve(entry);
      };
      this.on("entry", onEntry);
    });
  }
}
