import { request } from "node:http";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { OCPPServer } from "../../src/index.js";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

/** Sends a raw upgrade request with the given extension offer; resolves the 101 response. */
function upgrade(port: number, identity: string, extensions?: string) {
  return new Promise<{ res: IncomingMessage; socket: Duplex }>((resolve, reject) => {
    const headers: Record<string, string> = {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-protocol": "ocpp1.6",
    };
    if (extensions !== undefined) headers["sec-websocket-extensions"] = extensions;
    const req = request({ host: "127.0.0.1", port, path: `/${identity}`, headers });
    req.on("upgrade", (res, socket) => {
      socket.on("error", () => undefined);
      resolve({ res, socket });
    });
    req.on("response", (res) => reject(new Error(`HTTP ${res.statusCode}`)));
    req.on("error", reject);
    req.end();
  });
}

describe("compression (permessage-deflate, RFC 7692)", () => {
  it("accepts a bare offer without window parameters, with no context takeover", async () => {
    const { port } = await peers.server({ protocols: ["ocpp1.6"], compression: true });
    const { res, socket } = await upgrade(port, "CP1", "permessage-deflate");
    socket.destroy();
    expect(res.statusCode).toBe(101);
    const ext = String(res.headers["sec-websocket-extensions"]);
    expect(ext).toContain("permessage-deflate");
    expect(ext).toContain("server_no_context_takeover");
    expect(ext).toContain("client_no_context_takeover");
  });

  it("gives a client offering nothing an uncompressed connection", async () => {
    const { port } = await peers.server({ protocols: ["ocpp1.6"], compression: true });
    const { res, socket } = await upgrade(port, "CP1");
    socket.destroy();
    expect(res.statusCode).toBe(101);
    expect(res.headers["sec-websocket-extensions"]).toBeUndefined();
  });

  it("does not negotiate when the server has compression off", async () => {
    const { port } = await peers.server({ protocols: ["ocpp1.6"] });
    const { res, socket } = await upgrade(port, "CP1", "permessage-deflate");
    socket.destroy();
    expect(res.headers["sec-websocket-extensions"]).toBeUndefined();
  });

  it("completes handshakes without the extension beyond maxCompressedConnections", async () => {
    const { port } = await peers.server({
      protocols: ["ocpp1.6"],
      compression: true,
      maxCompressedConnections: 1,
    });
    const first = await upgrade(port, "CP1", "permessage-deflate");
    const second = await upgrade(port, "CP2", "permessage-deflate");
    first.socket.destroy();
    second.socket.destroy();
    expect(first.res.headers["sec-websocket-extensions"]).toContain("permessage-deflate");
    expect(second.res.headers["sec-websocket-extensions"]).toBeUndefined();
  });

  it("negotiates between OCPPClient and OCPPServer and carries large messages both ways", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], compression: true });
    const extensions = new Promise<string>((resolve) =>
      server.on("client", (c) => {
        resolve(String(c.handshake.request.headers["sec-websocket-extensions"]));
        c.handle("DataTransfer", ({ params }) => ({
          status: "Accepted",
          data: String((params as { data: string }).data).toUpperCase(),
        }));
      }),
    );
    const client = peers.client({
      endpoint: url,
      identity: "CP1",
      protocols: ["ocpp1.6"],
      compression: { threshold: 16, level: 1 },
    });
    await client.connect();
    expect(await extensions).toContain("permessage-deflate");
    const data = "meter-value ".repeat(400);
    const answer = (await client.call("DataTransfer", { vendorId: "v", data })) as {
      data: string;
    };
    expect(answer.data).toBe(data.toUpperCase());
  });

  it("refuses bad compression options by name", () => {
    expect(() => new OCPPServer({ compression: { level: 12 } })).toThrow(
      "option 'compression.level' must be <= 9, got 12",
    );
    expect(() => new OCPPServer({ compression: "yes" as never })).toThrow(
      "option 'compression' must be a boolean or an object",
    );
    expect(() => new OCPPServer({ compression: { windowBits: 9 } as never })).toThrow(
      "option 'compression.windowBits' is not supported",
    );
    expect(() => new OCPPServer({ maxCompressedConnections: -1 })).toThrow(
      "option 'maxCompressedConnections'",
    );
  });
});
