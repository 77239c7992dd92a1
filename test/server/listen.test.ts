import { createServer, get, Server, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionClosedError,
  ConnectionState,
  OCPPServer,
  type OCPPServerClient,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { waitFor } from "./support.js";

const peers = new Peers();
const servers: OCPPServer[] = [];
const httpServers: Server[] = [];
afterEach(async () => {
  await peers.closeAll();
  for (const s of servers.splice(0)) await s.close({ force: true });
  for (const h of httpServers.splice(0)) {
    h.closeAllConnections();
    await new Promise<void>((resolve) => h.close(() => resolve()));
  }
}, 5000);

function httpGet(port: number, path = "/"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path }, (res: IncomingMessage) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

const portOf = (http: Server) => (http.address() as AddressInfo).port;

describe("OCPPServer#listen", () => {
  it("resolves with a listening http.Server on the requested host", async () => {
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    servers.push(server);
    const http = await server.listen(0, "127.0.0.1");
    expect(http).toBeInstanceOf(Server);
    expect(http.listening).toBe(true);
    expect((http.address() as AddressInfo).address).toBe("127.0.0.1");
    expect(portOf(http)).toBeGreaterThan(0);
  });

  it("answers a plain HTTP request with 404 and keeps accepting stations", async () => {
    const { port, url } = await peers.server({ protocols: ["ocpp1.6"] });
    expect((await httpGet(port, "/CP001")).status).toBe(404);
    const client = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    await client.connect();
    expect(client.state).toBe(ConnectionState.OPEN);
  });

  it("rejects when the port is taken", async () => {
    const { port } = await peers.server();
    const server = new OCPPServer();
    servers.push(server);
    await expect(server.listen(port, "127.0.0.1")).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it("stops listening when the signal passed to listen() aborts", async () => {
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    servers.push(server);
    const controller = new AbortController();
    const http = await server.listen(0, "127.0.0.1", { signal: controller.signal });
    const port = portOf(http);
    const closed = waitFor(http, "close");
    controller.abort();
    await closed;
    expect(http.listening).toBe(false);
    const client = peers.client({ endpoint: `ws://127.0.0.1:${port}`, identity: "CP001" });
    await expect(client.connect()).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("attaches to an existing http server given as options.server, which the user starts", async () => {
    const httpServer = createServer((_req, res) => res.writeHead(200).end("app"));
    httpServers.push(httpServer);
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    servers.push(server);
    const returned = await server.listen(0, undefined, { server: httpServer });
    expect(returned).toBe(httpServer);
    expect(httpServer.listening).toBe(false);
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const port = portOf(httpServer);
    const connected = waitFor<OCPPServerClient>(server, "client");
    const client = peers.client({
      endpoint: `ws://127.0.0.1:${port}`,
      identity: "CP001",
      protocols: ["ocpp1.6"],
    });
    await client.connect();
    expect((await connected).identity).toBe("CP001");
    // The application's own routes still answer.
    expect(await httpGet(port)).toEqual({ status: 200, body: "app" });
  });

  it("serves stations through handleUpgrade on the user's http server", async () => {
    const httpServer = createServer((_req, res) => res.writeHead(200).end("express-like"));
    httpServers.push(httpServer);
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    servers.push(server);
    httpServer.on("upgrade", server.handleUpgrade);
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const port = portOf(httpServer);
    server.on("client", (c) =>
      c.handle("Heartbeat", () => ({ currentTime: "2024-01-01T00:00:00.000Z" })),
    );
    const client = peers.client({
      endpoint: `ws://127.0.0.1:${port}/ocpp`,
      identity: "CP001",
      protocols: ["ocpp1.6"],
    });
    await client.connect();
    await expect(client.call("Heartbeat")).resolves.toEqual({
      currentTime: "2024-01-01T00:00:00.000Z",
    });
    expect(await httpGet(port)).toEqual({ status: 200, body: "express-like" });
  });

  it("does not close a user's http server on close()", async () => {
    const httpServer = createServer();
    httpServers.push(httpServer);
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    await server.listen(0, undefined, { server: httpServer });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    await server.close();
    expect(httpServer.listening).toBe(true);
  });
});

describe("OCPPServer#close", () => {
  it("closes every client with 1001, emits 'closing' then 'close', and resolves after they closed", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const serverClients: OCPPServerClient[] = [];
    server.on("client", (c) => serverClients.push(c));
    const a = peers.client({ endpoint: url, identity: "A", protocols: ["ocpp1.6"] });
    const b = peers.client({ endpoint: url, identity: "B", protocols: ["ocpp1.6"] });
    await a.connect();
    await b.connect();
    await new Promise<void>((resolve) =>
      server.clients.size === 2
        ? resolve()
        : server.on("client", () => server.clients.size === 2 && resolve()),
    );
    const aClosed = waitFor<{ code: number }>(a, "close");
    const bClosed = waitFor<{ code: number }>(b, "close");
    const events: string[] = [];
    server.on("closing", () => events.push("closing"));
    server.on("close", () => events.push("close"));
    await server.close();
    expect(events).toEqual(["closing", "close"]);
    for (const c of serverClients) expect(c.state).toBe(ConnectionState.CLOSED);
    expect(server.clients.size).toBe(0);
    expect((await aClosed).code).toBe(1001);
    expect((await bClosed).code).toBe(1001);
  });

  it("closes the http server listen() created, so a new station cannot connect", async () => {
    const { server, http, url } = await peers.server({ protocols: ["ocpp1.6"] });
    await server.close();
    expect(http.listening).toBe(false);
    const client = peers.client({ endpoint: url, identity: "LATE" });
    await expect(client.connect()).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("uses the code and reason given to close()", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const client = peers.client({ endpoint: url, identity: "A", protocols: ["ocpp1.6"] });
    await client.connect();
    const closed = waitFor<{ code: number; reason: string }>(client, "close");
    await server.close({ code: 4001, reason: "maintenance" });
    expect(await closed).toEqual({ code: 4001, reason: "maintenance" });
  });

  it("with awaitPending, lets a call in flight finish before closing", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    let release: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => {
      server.on("client", (c) =>
        c.handle("Heartbeat", async () => {
          resolve();
          await new Promise<void>((r) => (release = r));
          return { currentTime: "2024-01-01T00:00:00.000Z" };
        }),
      );
    });
    const client = peers.client({ endpoint: url, identity: "A", protocols: ["ocpp1.6"] });
    await client.connect();
    const call = client.call("Heartbeat");
    await handled;
    const closing = server.close({ awaitPending: true });
    let closeDone = false;
    void closing.then(() => (closeDone = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closeDone).toBe(false);
    release();
    await expect(call).resolves.toEqual({ currentTime: "2024-01-01T00:00:00.000Z" });
    await closing;
    expect(server.clients.size).toBe(0);
  });

  it("without awaitPending, rejects the server's own calls in flight", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const connected = waitFor<OCPPServerClient>(server, "client");
    const client = peers.client({ endpoint: url, identity: "A", protocols: ["ocpp1.6"] });
    client.handle("GetConfiguration", () => new Promise<never>(() => undefined));
    await client.connect();
    const serverClient = await connected;
    const call = serverClient.call("GetConfiguration", {});
    call.catch(() => undefined);
    await server.close();
    await expect(call).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("refuses listen() after close()", async () => {
    const server = new OCPPServer();
    await server.close();
    await expect(server.listen(0, "127.0.0.1")).rejects.toThrow(/clos/);
  });

  it("returns the same promise when called twice", async () => {
    const { server } = await peers.server();
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
  });
});
