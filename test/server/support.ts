export { waitFor } from "../helpers/events.js";
import { randomBytes } from "node:crypto";
import { request, type IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";

export interface UpgradeOutcome {
  status: number;
  headers: IncomingHttpHeaders;
  /** The response body of a refused upgrade. */
  body: string;
  /** The upgraded socket of an accepted one (the caller destroys it). */
  socket?: Socket;
  /** Bytes that came with the 101 response. */
  head?: Buffer;
}

export interface UpgradeRequestOptions {
  protocols?: string[];
  headers?: Record<string, string>;
  /** Called with the request's socket once it is connected (to cut it mid-handshake). */
  onSocket?: (socket: Socket) => void;
  timeoutMs?: number;
}

/**
 * A hand-made WebSocket upgrade request, so the test sees exactly what the server answers:
 * the HTTP status and body of a refusal, or the 101 headers and the raw socket.
 */
export function rawUpgrade(
  port: number,
  path: string,
  options: UpgradeRequestOptions = {},
): Promise<UpgradeOutcome> {
  const headers: Record<string, string> = {
    Connection: "Upgrade",
    Upgrade: "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
    ...options.headers,
  };
  if (options.protocols) headers["Sec-WebSocket-Protocol"] = options.protocols.join(", ");
  return new Promise<UpgradeOutcome>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers });
    req.setTimeout(options.timeoutMs ?? 3000, () => {
      req.destroy(new Error(`no answer to the upgrade of ${path}`));
    });
    req.on("socket", (socket: Socket) => {
      if (options.onSocket) socket.once("connect", () => options.onSocket!(socket));
    });
    req.on("upgrade", (res, socket: Socket, head: Buffer) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: "", socket, head });
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Reads the first WebSocket frame the server sends on an upgraded socket and, when it is a
 * close frame, its status code (server frames are unmasked, RFC 6455 §5.1).
 */
export function readCloseFrame(
  socket: Socket,
  head: Buffer = Buffer.alloc(0),
  ms = 2000,
): Promise<{ opcode: number; code?: number }> {
  return new Promise((resolve, reject) => {
    let buffered = head;
    const timer = setTimeout(() => reject(new Error(`no frame within ${ms} ms`)), ms);
    const check = () => {
      if (buffered.length < 2) return false;
      const opcode = buffered[0]! & 0x0f;
      const length = buffered[1]! & 0x7f;
      if (opcode === 0x8 && length >= 2 && buffered.length < 4) return false;
      clearTimeout(timer);
      socket.removeListener("data", onData);
      resolve({
        opcode,
        code: opcode === 0x8 && length >= 2 ? buffered.readUInt16BE(2) : undefined,
      });
      return true;
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      check();
    };
    if (!check()) socket.on("data", onData);
  });
}
