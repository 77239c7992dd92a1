import { WebSocketServer, type ServerOptions as WsServerOptions, type WebSocket } from "ws";
import type { DeflateSettings } from "../transport/compression.js";

/**
 * The WebSocketServers upgrades go through: one without permessage-deflate and, when
 * `compression` is on, one with it. Each compressed connection holds zlib state, so beyond
 * `maxCompressedConnections` handshakes go through the plain one and complete without the
 * extension (RFC 7692 §5: a server may decline it by leaving it out of the response).
 */
export class CompressionBudget {
  private readonly plain: WebSocketServer;
  private readonly deflating: WebSocketServer | undefined;
  private compressed = 0;

  constructor(
    base: WsServerOptions,
    deflate: DeflateSettings | false,
    private readonly maxCompressed: number,
  ) {
    this.plain = new WebSocketServer({ perMessageDeflate: false, ...base });
    this.deflating = deflate
      ? new WebSocketServer({ ...base, perMessageDeflate: { ...deflate } })
      : undefined;
  }

  /** Connections open now with permessage-deflate negotiated. */
  get compressedConnections(): number {
    return this.compressed;
  }

  /** Completes an upgrade, with the extension while the budget allows. */
  handleUpgrade(...args: Parameters<WebSocketServer["handleUpgrade"]>): void {
    const [request, socket, head, onWebSocket] = args;
    const wss =
      this.deflating && this.compressed < this.maxCompressed ? this.deflating : this.plain;
    wss.handleUpgrade(request, socket, head, (ws, req) => {
      if (wss === this.deflating) this.track(ws);
      onWebSocket(ws, req);
    });
  }

  private track(ws: WebSocket): void {
    // An offer without the extension gets a plain connection from this server too.
    if (!ws.extensions.includes("permessage-deflate")) return;
    this.compressed++;
    ws.once("close", () => this.compressed--);
  }
}
