import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { OCPPClient, OCPPServer, type ClientOptions, type ServerOptions } from "../../src/index.js";

/**
 * Test peers on 127.0.0.1, port 0. Everything created through a `Peers` is closed by
 * `closeAll()` (call it in afterEach), so a failing test leaves no socket behind.
 */
export class Peers {
  private readonly closers: Array<() => Promise<unknown>> = [];

  /** An OCPPServer listening on 127.0.0.1:0, with its URL. */
  async server(
    options: ServerOptions = {},
  ): Promise<{ server: OCPPServer; url: string; port: number; http: Server }> {
    const server = new OCPPServer(options);
    const http = await server.listen(0, "127.0.0.1");
    this.closers.push(() => server.close({ force: true }));
    const port = (http.address() as AddressInfo).port;
    return { server, http, port, url: `ws://127.0.0.1:${port}` };
  }

  /** An OCPPClient (not yet connected). */
  client(options: ClientOptions): OCPPClient {
    const client = new OCPPClient({ reconnect: false, ...options });
    this.closers.push(() => client.close({ force: true }));
    return client;
  }

  /**
   * A bare `ws` server that records what the library puts on the wire and lets the test
   * answer by hand. `protocol` is the subprotocol it picks (first offered when omitted).
   */
  async bareServer(options: { protocol?: string | false } = {}): Promise<BareServer> {
    const http = createServer((_req, res) => res.writeHead(404).end());
    const wss = new WebSocketServer({
      server: http,
      handleProtocols: (offered) =>
        options.protocol === false ? false : (options.protocol ?? [...offered][0] ?? false),
    });
    http.listen(0, "127.0.0.1");
    await once(http, "listening");
    const bare = new BareServer(wss, http);
    this.closers.push(() => bare.close());
    return bare;
  }

  /** A bare `ws` client connected to `url` + "/" + identity, offering `protocols`. */
  async bareClient(
    url: string,
    identity = "BARE",
    protocols: string[] = ["ocpp1.6"],
    headers: Record<string, string> = {},
  ): Promise<BarePeer> {
    const ws = new WebSocket(`${url}/${encodeURIComponent(identity)}`, protocols, { headers });
    const peer = new BarePeer(ws);
    this.closers.push(() => {
      ws.terminate();
      return Promise.resolve();
    });
    await once(ws, "open");
    return peer;
  }

  async closeAll(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    for (const close of closers) await close().catch(() => undefined);
  }
}

/** One side of a bare connection: the frames it received, in order, awaitable. */
export class BarePeer {
  readonly received: string[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.received.push((data as Buffer).toString());
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
    ws.on("error", () => undefined);
    this.closed = new Promise((resolve) =>
      ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next frame received after the `count` already read by earlier next() calls. */
  private readIndex = 0;
  async next(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length <= this.readIndex) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no frame within ${timeoutMs} ms`)),
          remaining,
        );
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received[this.readIndex++]!;
  }

  /** The next frame, parsed as JSON. */
  async nextJson(timeoutMs?: number): Promise<unknown[]> {
    return JSON.parse(await this.next(timeoutMs)) as unknown[];
  }
}

export class BareServer {
  private pending: Array<(peer: BarePeer) => void> = [];
  private readonly connected: BarePeer[] = [];
  readonly url: string;
  /** The upgrade requests received, in order. */
  readonly requests: import("node:http").IncomingMessage[] = [];

  constructor(
    readonly wss: WebSocketServer,
    readonly http: Server,
  ) {
    this.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    wss.on("connection", (ws, req) => {
      this.requests.push(req);
      const peer = new BarePeer(ws);
      const waiter = this.pending.shift();
      if (waiter) waiter(peer);
      else this.connected.push(peer);
    });
  }

  /** The next connection the server accepts. */
  nextConnection(timeoutMs = 5000): Promise<BarePeer> {
    const ready = this.connected.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no connection within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.pending.push((peer) => {
        clearTimeout(timer);
        resolve(peer);
      });
    });
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
