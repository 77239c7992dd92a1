import { once } from "node:events";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createHealthHandler,
  InMemoryAdapter,
  InMemoryHub,
  OCPPClient,
  OCPPServer,
  type OCPPServerClient,
} from "../../src/index.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";
import { parseExposition, valueOf } from "../helpers/prometheus.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One real HTTP request (fetch cannot send HEAD and read what came back byte for byte). */
function get(port: number, path: string, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** An adapter whose backend can be "lost" (isReady() false) while it stays set. */
class SwitchableAdapter extends InMemoryAdapter {
  reachable = true;
  override isReady(): boolean {
    return this.reachable && super.isReady();
  }
}

describe("healthEndpoint on the servers listen() creates", () => {
  it("answers /health with seed 002's fields from stats()", async () => {
    const { port, url } = await peers.server({ protocols: ["ocpp1.6"], healthEndpoint: true });
    await peers.client({ endpoint: url, identity: "CP-H", protocols: ["ocpp1.6"] }).connect();
    const answer = await get(port, "/health");
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(answer.body);
    expect(body).toEqual({
      status: "ok",
      state: "open",
      connectedClients: 1,
      activeSessions: 1,
      uptimeSeconds: expect.any(Number),
      pid: process.pid,
    });
  });

  it("ignores the query string, answers HEAD without a body, and leaves other requests at 404", async () => {
    const { port } = await peers.server({ protocols: ["ocpp1.6"], healthEndpoint: true });
    expect((await get(port, "/health?x=1")).status).toBe(200);
    expect((await get(port, "/ready?probe=k8s")).status).toBe(200);
    expect((await get(port, "/metrics?format=text")).status).toBe(200);
    const full = await get(port, "/ready");
    const head = await get(port, "/ready", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-length"]).toBe(String(Buffer.byteLength(full.body)));
    const metricsHead = await get(port, "/metrics", "HEAD");
    expect(metricsHead.status).toBe(200);
    expect(metricsHead.body).toBe("");
    expect((await get(port, "/healthz")).status).toBe(404);
    expect((await get(port, "/")).status).toBe(404);
    expect((await get(port, "/health", "POST")).status).toBe(404);
  });

  it("answers 404 everywhere without healthEndpoint", async () => {
    const { port } = await peers.server({ protocols: ["ocpp1.6"], metrics: true });
    expect((await get(port, "/health")).status).toBe(404);
    expect((await get(port, "/metrics")).status).toBe(404);
  });

  it("answers /ready 503 with Retry-After while close() waits for a station", async () => {
    const { server, port, url } = await peers.server({
      protocols: ["ocpp1.6"],
      healthEndpoint: true,
    });
    let finish: (value: { currentTime: string }) => void = () => undefined;
    const accepted = waitFor<OCPPServerClient>(server, "client");
    server.on("client", (client) =>
      client.handle(
        "Heartbeat",
        () => new Promise<{ currentTime: string }>((resolve) => (finish = resolve)),
      ),
    );
    const station = peers.client({ endpoint: url, identity: "CP-SLOW", protocols: ["ocpp1.6"] });
    await station.connect();
    const serverClient = await accepted;
    const handled = waitFor(serverClient, "call");
    const call = station.call("Heartbeat", {});
    await handled;
    expect((await get(port, "/ready")).status).toBe(200);

    const closing = waitFor(server, "closing");
    const closed = server.close();
    await closing;
    const ready = await get(port, "/ready");
    expect(ready.status).toBe(503);
    expect(ready.headers["retry-after"]).toBe("5");
    expect(JSON.parse(ready.body)).toEqual({ status: "unavailable", reason: "server closing" });
    const health = await get(port, "/health");
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: "degraded", state: "closing" });

    finish({ currentTime: new Date().toISOString() });
    await call;
    await closed;
  });

  it("answers /ready 503 while the cluster adapter cannot reach its backend", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"], healthEndpoint: true });
    const adapter = new SwitchableAdapter(new InMemoryHub());
    await server.setAdapter(adapter);
    expect((await get(port, "/ready")).status).toBe(200);
    adapter.reachable = false;
    const ready = await get(port, "/ready");
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body).reason).toBe("cluster adapter 'memory' not connected");
    expect(JSON.parse((await get(port, "/health")).body).status).toBe("degraded");
    adapter.reachable = true;
    expect((await get(port, "/ready")).status).toBe(200);
  });

  it("answers /metrics 500 when the registry fails, and stays up", async () => {
    const { Registry } = await import("prom-client");
    class FailingRegistry extends Registry {
      override metrics(): Promise<string> {
        return Promise.reject(new Error("collector broke"));
      }
    }
    const registry = new FailingRegistry();
    const { port } = await peers.server({ healthEndpoint: true, metrics: { registry } });
    const answer = await get(port, "/metrics");
    expect(answer.status).toBe(500);
    expect((await get(port, "/health")).status).toBe(200);
  });
});

describe("createHealthHandler on a server of your own", () => {
  let http: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve())));

  it("answers the three endpoints on a plain http.createServer and returns false elsewhere", async () => {
    const server = new OCPPServer({ protocols: ["ocpp1.6"], metrics: true });
    const health = createHealthHandler(server, { retryAfterSeconds: 2 });
    http = createServer((req, res) => {
      if (!health(req, res)) res.writeHead(418).end();
    });
    http.on("upgrade", server.handleUpgrade);
    http.listen(0, "127.0.0.1");
    await once(http, "listening");
    const port = (http.address() as AddressInfo).port;

    // The first scrape waits for prom-client to load.
    expect((await get(port, "/metrics")).status).toBe(200);
    const station = new OCPPClient({
      endpoint: `ws://127.0.0.1:${port}`,
      identity: "CP-OWN",
      protocols: ["ocpp1.6"],
      reconnect: false,
    });
    await station.connect();
    const samples = parseExposition((await get(port, "/metrics")).body);
    expect(valueOf(samples, "ocpp_connections", { protocol: "ocpp1.6" })).toBe(1);
    expect(JSON.parse((await get(port, "/health")).body).connectedClients).toBe(1);
    expect((await get(port, "/other")).status).toBe(418);

    const closed = server.close({ force: true });
    const ready = await get(port, "/ready");
    expect(ready.status).toBe(503);
    expect(ready.headers["retry-after"]).toBe("2");
    await closed;
    await station.close({ force: true });
  });

  it("leaves /metrics to the caller when the server has metrics off", async () => {
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    const health = createHealthHandler(server);
    http = createServer((req, res) => {
      if (!health(req, res)) res.writeHead(404).end();
    });
    http.listen(0, "127.0.0.1");
    await once(http, "listening");
    const port = (http.address() as AddressInfo).port;
    expect((await get(port, "/metrics")).status).toBe(404);
    expect((await get(port, "/health")).status).toBe(200);
    await server.close();
  });

  it("checks its arguments", () => {
    expect(() => createHealthHandler({} as never)).toThrow(/must be an OCPPServer/);
    const server = new OCPPServer();
    expect(() => createHealthHandler(server, { retryAfterSeconds: -1 })).toThrow(
      /retryAfterSeconds/,
    );
    void server.close();
  });
});
