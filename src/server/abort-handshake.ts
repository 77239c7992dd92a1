import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { getPackageIdent } from "../package-ident.js";

/** A delay as a Retry-After value (RFC 9110 §10.2.3): whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(delayMs: number): number {
  return Math.max(1, Math.ceil(delayMs / 1000));
}

/**
 * Refuses an upgrade with an HTTP response on the raw socket, then ends the socket. The
 * message goes in the body as plain text; a 401 asks for Basic credentials (RFC 7617); a
 * refusal for load says when to come back (`retryAfter`, seconds).
 */
export function abortHandshake(
  socket: Duplex,
  status: number,
  message: string,
  retryAfter?: number,
): void {
  if (socket.destroyed) return;
  // The HTTP server dropped its listeners when it handed the socket over for the upgrade: a
  // reset while the refusal is written would be an unhandled 'error' that ends the process.
  socket.on("error", () => socket.destroy());
  if (socket.writable) {
    const body = message || STATUS_CODES[status] || "";
    const lines = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
      "Connection: close",
      "Content-Type: text/plain; charset=utf-8",
      `Content-Length: ${Buffer.byteLength(body)}`,
      `Server: ${getPackageIdent()}`,
    ];
    if (status === 401) lines.push('WWW-Authenticate: Basic realm="OCPP", charset="UTF-8"');
    if (retryAfter !== undefined) lines.push(`Retry-After: ${retryAfter}`);
    socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
  }
  // Don't wait long for the peer to close its side: it could hold the socket open.
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}
