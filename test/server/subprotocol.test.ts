import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { OCPPServerClient, UpgradeAbortedEvent } from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { rawUpgrade, readCloseFrame, waitFor } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

async function negotiated(
  serverProtocols: string[],
  clientProtocols: string[],
): Promise<[string | undefined, string | undefined]> {
  const { server, url } = await peers.server({ protocols: serverProtocols });
  const connected = waitFor<OCPPServerClient>(server, "client");
  const client = peers.client({ endpoint: url, identity: "CP001", protocols: clientProtocols });
  await client.connect();
  return [(await connected).protocol, client.protocol];
}

describe("OCPPServer subprotocol choice", () => {
  it("picks the first of the server's protocols that the station offers", async () => {
    expect(await negotiated(["ocpp2.0.1", "ocpp1.6"], ["ocpp1.6", "ocpp2.0.1"])).toEqual([
      "ocpp2.0.1",
      "ocpp2.0.1",
    ]);
  });

  it("picks the only protocol in common", async () => {
    expect(await negotiated(["ocpp2.1", "ocpp1.6"], ["ocpp2.0.1", "ocpp1.6"])).toEqual([
      "ocpp1.6",
      "ocpp1.6",
    ]);
  });

  it("answers with the chosen protocol in Sec-WebSocket-Protocol", async () => {
    const { port } = await peers.server({ protocols: ["ocpp2.0.1", "ocpp1.6"] });
    const outcome = await rawUpgrade(port, "/CP001", { protocols: ["ocpp1.6", "ocpp2.0.1"] });
    outcome.socket?.destroy();
    expect(outcome.status).toBe(101);
    expect(outcome.headers["sec-websocket-protocol"]).toBe("ocpp2.0.1");
  });

  it("accept({ protocol }) forces a protocol the station offered", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp2.0.1", "ocpp1.6"] });
    server.auth((accept) => accept({ protocol: "ocpp1.6" }));
    const connected = waitFor<OCPPServerClient>(server, "client");
    const client = peers.client({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6", "ocpp2.0.1"],
    });
    await client.connect();
    expect((await connected).protocol).toBe("ocpp1.6");
    expect(client.protocol).toBe("ocpp1.6");
  });

  it("accept(session, protocol), as in ocpp-rpc, forces the protocol and keeps the session", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp2.0.1", "ocpp1.6"] });
    server.auth((accept) => accept({ tenant: 9 }, "ocpp1.6"));
    const connected = waitFor<OCPPServerClient>(server, "client");
    await peers
      .client({ endpoint: url, identity: "CP001", protocols: ["ocpp2.0.1", "ocpp1.6"] })
      .connect();
    const serverClient = await connected;
    expect(serverClient.protocol).toBe("ocpp1.6");
    expect(serverClient.session).toEqual({ tenant: 9 });
  });

  it("accept({ session, protocol }) with a protocol the station did not offer refuses the upgrade with 400", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp2.1", "ocpp1.6"] });
    server.auth((accept) => accept({ session: {}, protocol: "ocpp2.1" }));
    const aborted = waitFor<UpgradeAbortedEvent>(server, "upgradeAborted");
    expect((await rawUpgrade(port, "/CP001", { protocols: ["ocpp1.6"] })).status).toBe(400);
    expect((await aborted).error.code).toBe(400);
  });

  it("accepts a station that offers no protocol when the server serves none", async () => {
    expect(await negotiated([], [])).toEqual([undefined, undefined]);
  });
});

describe("OCPPServer with no subprotocol in common (J16 §3.2, 2.1 Part 4 §3.3)", () => {
  it("completes the handshake without Sec-WebSocket-Protocol and closes at once with 1002", async () => {
    const { port } = await peers.server({ protocols: ["ocpp1.6", "ocpp2.0.1"] });
    const outcome = await rawUpgrade(port, "/CP001", { protocols: ["ocpp9.9"] });
    try {
      expect(outcome.status).toBe(101);
      expect(outcome.headers["sec-websocket-protocol"]).toBeUndefined();
      const frame = await readCloseFrame(outcome.socket!, outcome.head);
      expect(frame).toEqual({ opcode: 0x8, code: 1002 });
    } finally {
      outcome.socket?.destroy();
    }
  });

  it("emits 'upgradeAborted' and no 'client' event", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    let clients = 0;
    server.on("client", () => clients++);
    const aborted = waitFor<UpgradeAbortedEvent>(server, "upgradeAborted");
    // The ws client itself gives up on a 101 without a subprotocol; what matters here is the
    // server's side, and that the upgrade response arrived.
    const ws = new WebSocket(`${url}/CP001`, ["ocpp9.9"]);
    const upgraded = waitFor<{ statusCode: number; headers: Record<string, string> }>(
      ws,
      "upgrade",
    );
    const ended = new Promise<void>((resolve) => {
      ws.on("error", () => resolve());
      ws.on("close", () => resolve());
    });
    const response = await upgraded;
    expect(response.statusCode).toBe(101);
    expect(response.headers["sec-websocket-protocol"]).toBeUndefined();
    const event = await aborted;
    expect(event.identity).toBe("CP001");
    await ended;
    expect(clients).toBe(0);
    expect(server.clients.size).toBe(0);
  });

  it("makes an OCPPClient's connect() reject", async () => {
    const { url } = await peers.server({ protocols: ["ocpp2.0.1"] });
    const client = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    await expect(client.connect()).rejects.toThrow(/subprotocol/i);
  });

  it("closes a station that offers a protocol to a server that serves none", async () => {
    const { port } = await peers.server();
    const outcome = await rawUpgrade(port, "/CP001", { protocols: ["ocpp1.6"] });
    try {
      expect(outcome.status).toBe(101);
      expect(outcome.headers["sec-websocket-protocol"]).toBeUndefined();
      expect((await readCloseFrame(outcome.socket!, outcome.head)).code).toBe(1002);
    } finally {
      outcome.socket?.destroy();
    }
  });
});
