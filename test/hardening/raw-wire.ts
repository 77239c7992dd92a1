/**
 * Hand-made WebSocket bytes for hostile-peer tests: frames with any flag set, an upgrade
 * request written on a raw TCP socket, and a raw "CSMS" that answers 101 followed by
 * whatever bytes the test wants in the same TCP write.
 */
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface FrameSpec {
  opcode?: number;
  payload?: Buffer | string;
  /** Masked (client to server, RFC 6455 §5.3) with a random key. Default false. */
  mask?: boolean;
  rsv1?: boolean;
  /** The length to announce, when it must differ from the payload's (oversized frames). */
  announcedLength?: number;
}

/** One WebSocket frame (FIN set). */
export function frame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === "string"
      ? Buffer.from(spec.payload)
      : (spec.payload ?? Buffer.alloc(0));
  const length = spec.announcedLength ?? payload.length;
  const first = 0x80 | (spec.rsv1 ? 0x40 : 0) | (spec.opcode ?? 0x1);
  const maskBit = spec.mask ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([first, maskBit | length]);
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = maskBit | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!spec.mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= key[i % 4]!;
  return Buffer.concat([header, key, masked]);
}

/** A masked text frame, as a station sends. */
export function clientText(text: string): Buffer {
  return frame({ payload: text, mask: true });
}

/** The request line and headers of an upgrade to `path`. */
export function upgradeRequest(path: string, protocols?: string[]): string {
  const lines = [
    `GET ${path} HTTP/1.1`,
    "Host: 127.0.0.1",
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
  ];
  if (protocols) lines.push(`Sec-WebSocket-Protocol: ${protocols.join(", ")}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** A raw TCP connection to 127.0.0.1:`port` (connected, error listener attached). */
export async function rawConnect(port: number): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => socket.destroy());
  await once(socket, "connect");
  return socket;
}

/** Resolves when `socket` has closed (at once if it already has). */
export function closed(socket: Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return once(socket, "close").then(() => undefined);
}

/**
 * A raw server that answers every upgrade with 101 (choosing `protocol`) followed, in the
 * same write, by `after` (frames, or nothing). Then, by `mode`: keeps reading ("read"), drops
 * the connection ("hang-up") or never reads again ("no-read").
 */
export async function rawCsms(
  protocol: string,
  after: Buffer,
  mode: "read" | "hang-up" | "no-read" = "read",
): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => sockets.delete(socket));
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.removeListener("data", onData);
      const key = /sec-websocket-key:\s*(\S+)/i.exec(buffered.slice(0, end))?.[1] ?? "";
      const accept = createHash("sha1")
        .update(key + WS_GUID)
        .digest("base64");
      const head = [
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Accept: ${accept}`,
        `Sec-WebSocket-Protocol: ${protocol}`,
      ].join("\r\n");
      const response = Buffer.concat([Buffer.from(`${head}\r\n\r\n`), after]);
      if (mode === "hang-up") {
        socket.end(response);
        return;
      }
      socket.write(response);
      if (mode === "no-read") socket.pause();
      // Else keep reading so the client's frames never fill the buffers.
      else socket.resume();
    };
    socket.on("data", onData);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return { url: `ws://127.0.0.1:${port}`, server, sockets };
}

/** Closes a rawCsms server and every socket it holds. */
export async function closeRawCsms(csms: { server: Server; sockets: Set<Socket> }): Promise<void> {
  for (const socket of csms.sockets) socket.destroy();
  await new Promise<void>((resolve) => csms.server.close(() => resolve()));
}
