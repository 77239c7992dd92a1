import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionState,
  OCPPServer,
  UnexpectedHttpResponse,
  type OCPPClient,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { waitFor } from "../helpers/events.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

/** An HTTP server that answers every upgrade request with `status` and `body`. */
async function refusingServer(status: number, body = ""): Promise<{ http: Server; url: string }> {
  const http = createServer((_req, res) => res.writeHead(404).end());
  http.on("upgrade", (_req: IncomingMessage, socket) => {
    socket.end(
      `HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return { http, url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

async function closeHttp(http: Server): Promise<void> {
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}

/** Connects `client` to `bare` and returns the upgrade request the server saw. */
async function requestOf(
  client: OCPPClient,
  bare: Awaited<ReturnType<Peers["bareServer"]>>,
): Promise<IncomingMessage> {
  await client.connect();
  await bare.nextConnection();
  return bare.requests.at(-1)!;
}

describe("OCPPClient#connect", () => {
  it("resolves with the upgrade response once open and sets state OPEN", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001", protocols: ["ocpp1.6"] });
    const result = await client.connect();
    expect(result.response).toBeDefined();
    expect((result.response as IncomingMessage).statusCode).toBe(101);
    expect(client.state).toBe(ConnectionState.OPEN);
  });

  it("emits 'connecting' with the url and protocols, then 'protocol', then 'open'", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({
      endpoint: bare.url,
      identity: "CP001",
      protocols: ["ocpp1.6", "ocpp2.0.1"],
    });
    const events: Array<[string, unknown]> = [];
    client.on("connecting", (e) => events.push(["connecting", e]));
    client.on("protocol", (p) => events.push(["protocol", p]));
    client.on("open", (e) => events.push(["open", e]));
    await client.connect();
    expect(events.map(([name]) => name)).toEqual(["connecting", "protocol", "open"]);
    expect(events[0]![1]).toEqual({
      url: `${bare.url}/CP001`,
      protocols: ["ocpp1.6", "ocpp2.0.1"],
    });
    expect(events[1]![1]).toBe("ocpp1.6");
    expect((events[2]![1] as { response: IncomingMessage }).response.statusCode).toBe(101);
  });

  it("takes the subprotocol the server chose and exposes it as client.protocol", async () => {
    const bare = await peers.bareServer({ protocol: "ocpp2.0.1" });
    const client = peers.client({
      endpoint: bare.url,
      identity: "CP001",
      protocols: ["ocpp1.6", "ocpp2.0.1"],
    });
    const protocolEvent = waitFor<string>(client, "protocol");
    await client.connect();
    expect(await protocolEvent).toBe("ocpp2.0.1");
    expect(client.protocol).toBe("ocpp2.0.1");
    const offered = bare.requests[0]!.headers["sec-websocket-protocol"]!.split(",").map((p) =>
      p.trim(),
    );
    expect(offered).toEqual(["ocpp1.6", "ocpp2.0.1"]);
  });

  it("resolves at once when already open", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001", protocols: ["ocpp1.6"] });
    await client.connect();
    await expect(client.connect()).resolves.toBeDefined();
    expect(client.state).toBe(ConnectionState.OPEN);
    expect(bare.requests).toHaveLength(1);
  });

  it("rejects with UnexpectedHttpResponse carrying the status when the server answers 401", async () => {
    const { http, url } = await refusingServer(401, "go away");
    try {
      const client = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
      const closed = waitFor<{ code: number }>(client, "close");
      const err: unknown = await client.connect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnexpectedHttpResponse);
      expect((err as UnexpectedHttpResponse).statusCode).toBe(401);
      expect((err as UnexpectedHttpResponse).code).toBe(401);
      await closed;
      expect(client.state).toBe(ConnectionState.CLOSED);
    } finally {
      await closeHttp(http);
    }
  });

  it("rejects with UnexpectedHttpResponse 401 when an OCPPServer's auth() rejects with 401", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    server.auth((_accept, reject) => reject(401, "Invalid credentials"));
    const client = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    const closed = waitFor(client, "close");
    const err: unknown = await client.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedHttpResponse);
    expect((err as UnexpectedHttpResponse).statusCode).toBe(401);
    await closed;
  });

  it("rejects when nothing listens on the port, and emits 'close'", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await closeHttp(probe);
    const client = peers.client({ endpoint: `ws://127.0.0.1:${port}`, identity: "CP001" });
    const closed = waitFor(client, "close");
    await expect(client.connect()).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await closed;
    expect(client.state).toBe(ConnectionState.CLOSED);
  });

  it("can connect again after a refused attempt", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    let refuse = true;
    server.auth((accept, reject) => (refuse ? reject(403) : accept()));
    const client = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    await expect(client.connect()).rejects.toBeInstanceOf(UnexpectedHttpResponse);
    refuse = false;
    await client.connect();
    expect(client.state).toBe(ConnectionState.OPEN);
  });
});

describe("OCPPClient connection URL", () => {
  it.each([
    ["CP 001", "/CP%20001"],
    ["RDAM|123", "/RDAM%7C123"],
    ["this:is:ok", "/this%3Ais%3Aok"],
    ["Ladestation-Ä1", "/Ladestation-%C3%841"],
    ["a/b", "/a%2Fb"],
    ["CP?x#y", "/CP%3Fx%23y"],
  ])("percent-encodes identity %j as %s", async (identity, path) => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity });
    expect((await requestOf(client, bare)).url).toBe(path);
  });

  it("keeps the endpoint's own path, with a trailing slash", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: `${bare.url}/ocpp/`, identity: "CP001" });
    expect((await requestOf(client, bare)).url).toBe("/ocpp/CP001");
  });

  it("keeps the endpoint's own path, without a trailing slash", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: `${bare.url}/ocpp/v16`, identity: "CP001" });
    expect((await requestOf(client, bare)).url).toBe("/ocpp/v16/CP001");
  });

  it("appends a query given as an object", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({
      endpoint: bare.url,
      identity: "CP001",
      query: { token: "a b&c", v: "1" },
    });
    const url = new URL((await requestOf(client, bare)).url!, "http://x");
    expect(url.pathname).toBe("/CP001");
    expect(url.searchParams.get("token")).toBe("a b&c");
    expect(url.searchParams.get("v")).toBe("1");
  });

  it("appends a query given as a string", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001", query: "foo=bar&baz=1" });
    expect((await requestOf(client, bare)).url).toBe("/CP001?foo=bar&baz=1");
  });

  it("keeps the endpoint's own query next to the option's", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({
      endpoint: `${bare.url}/ocpp?tenant=7`,
      identity: "CP001",
      query: { v: "2" },
    });
    const url = new URL((await requestOf(client, bare)).url!, "http://x");
    expect(url.pathname).toBe("/ocpp/CP001");
    expect(url.searchParams.get("tenant")).toBe("7");
    expect(url.searchParams.get("v")).toBe("2");
  });
});

describe("OCPPClient upgrade request headers", () => {
  it("sends the extra headers", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({
      endpoint: bare.url,
      identity: "CP001",
      headers: { "x-station-model": "M1" },
    });
    expect((await requestOf(client, bare)).headers["x-station-model"]).toBe("M1");
  });

  it("sets a user-agent naming the library", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001" });
    expect((await requestOf(client, bare)).headers["user-agent"]).toMatch(
      /^ocpp-ws-io\/\d+\.\d+\.\d+/,
    );
  });

  it("sends no Authorization header without a password", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001" });
    expect((await requestOf(client, bare)).headers.authorization).toBeUndefined();
  });

  it("sends Basic auth as base64(identity:password), colons included", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({
      endpoint: bare.url,
      identity: "this:is:ok",
      password: "as:is:this",
    });
    const header = (await requestOf(client, bare)).headers.authorization!;
    expect(header).toBe("Basic " + Buffer.from("this:is:ok:as:is:this").toString("base64"));
  });

  it("sends a Buffer password byte for byte with securityProfile 1", async () => {
    const bare = await peers.bareServer();
    const password = Buffer.from([0x00, 0x3a, 0xff, 0x80, 0x0a, 0x41]);
    const client = peers.client({
      endpoint: bare.url,
      identity: "CP001",
      password,
      securityProfile: 1,
    });
    const header = (await requestOf(client, bare)).headers.authorization!;
    expect(header.startsWith("Basic ")).toBe(true);
    expect(Buffer.from(header.slice(6), "base64")).toEqual(
      Buffer.concat([Buffer.from("CP001:"), password]),
    );
  });

  it("is accepted by an OCPPServer checking the password", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    server.auth((accept, reject, handshake) =>
      handshake.password?.equals(Buffer.from("s3cr3t:pw")) ? accept() : reject(401),
    );
    const client = peers.client({
      endpoint: url,
      identity: "CP:1",
      password: "s3cr3t:pw",
      protocols: ["ocpp1.6"],
    });
    await client.connect();
    expect(client.state).toBe(ConnectionState.OPEN);
    expect(server).toBeInstanceOf(OCPPServer);
  });
});
