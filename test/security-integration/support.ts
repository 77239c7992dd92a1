/**
 * Shared pieces of the security integration tests: a securityEvent log, a bare `ws` upgrade
 * that reports refusals instead of throwing, and an HTTP(S) round-trip used as a barrier
 * (it goes through the same server but never through the upgrade pipeline, so it emits no
 * securityEvent and is not rate limited).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import WebSocket from "ws";
import type { OCPPServer, SecurityEvent, SecurityEventType } from "../../src/index.js";
import type { CertAndKey } from "../helpers/certs.js";

/** Every securityEvent a server emits, in order, awaitable by type. */
export class EventLog {
  readonly events: SecurityEvent[] = [];
  private waiters: Array<() => void> = [];

  constructor(server: OCPPServer) {
    server.on("securityEvent", (event) => {
      this.events.push(event);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
  }

  /** The first event of `type` (already logged or still to come); fails after `ms`. */
  async waitFor(type: SecurityEventType, ms = 3000): Promise<SecurityEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find((e) => e.type === type);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const seen = this.events.map((e) => e.type).join(", ") || "none";
        throw new Error(`no securityEvent ${type} within ${ms} ms (seen: ${seen})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  types(): SecurityEventType[] {
    return this.events.map((e) => e.type);
  }
}

export interface TlsMaterial {
  ca?: string | string[];
  cert?: string;
  key?: string;
}

/**
 * A plain GET / on the server (its listener answers 404): once it has been answered, the
 * server has handled everything the test did before. Resolves with the status.
 */
export function barrier(port: number, tls?: TlsMaterial): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const options = { host: "127.0.0.1", port, path: "/", agent: false as const };
    const req = tls
      ? httpsRequest({ ...options, ...tls, rejectUnauthorized: true })
      : httpRequest(options);
    req.setTimeout(3000, () => req.destroy(new Error("barrier request timed out")));
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

export interface BareOutcome {
  /** HTTP status of a refused upgrade. */
  status: number | undefined;
  /** Body of a refused upgrade. */
  body: string;
  /** The open socket of an accepted upgrade (the caller closes it). */
  ws: WebSocket | undefined;
  /** A failure below HTTP (TLS, reset). */
  error: Error | undefined;
}

/** A bare `ws` upgrade to `url/identity` that resolves with whatever happened. */
export function bareUpgrade(
  url: string,
  identity: string,
  options: WebSocket.ClientOptions = {},
  protocols: string[] = ["ocpp1.6"],
): Promise<BareOutcome> {
  const ws = new WebSocket(`${url}/${encodeURIComponent(identity)}`, protocols, options);
  const outcome: BareOutcome = { status: undefined, body: "", ws: undefined, error: undefined };
  return new Promise<BareOutcome>((resolve) => {
    ws.once("open", () => resolve({ ...outcome, ws }));
    ws.once("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        ws.terminate();
        resolve({ ...outcome, status: res.statusCode, body: Buffer.concat(chunks).toString() });
      });
    });
    ws.on("error", (error) => {
      ws.terminate();
      resolve({ ...outcome, error });
    });
  });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

const run = promisify(execFile);

/**
 * A server certificate for 127.0.0.1 signed by `issuer` (e.g. the PKI's untrusted CA), made
 * with the openssl CLI in a temp dir of its own.
 */
export async function issueServerCert(issuer: CertAndKey): Promise<CertAndKey> {
  const dir = await mkdtemp(join(tmpdir(), "ocpp-sec-int-"));
  try {
    await Promise.all([
      writeFile(join(dir, "issuer.crt"), issuer.cert),
      writeFile(join(dir, "issuer.key"), issuer.key),
      writeFile(
        join(dir, "ext.cnf"),
        "[ server_ext ]\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n" +
          "subjectAltName = IP:127.0.0.1, DNS:localhost\n",
      ),
    ]);
    // prettier-ignore
    await run("openssl", [
      "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr",
    ], { cwd: dir });
    // prettier-ignore
    await run("openssl", [
      "x509", "-req", "-sha256", "-in", "server.csr", "-CA", "issuer.crt", "-CAkey", "issuer.key",
      "-set_serial", "0x1234abcd", "-days", "2", "-extfile", "ext.cnf", "-extensions", "server_ext",
      "-out", "server.crt",
    ], { cwd: dir });
    const [cert, key] = await Promise.all([
      readFile(join(dir, "server.crt"), "utf8"),
      readFile(join(dir, "server.key"), "utf8"),
    ]);
    return { cert, key };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
