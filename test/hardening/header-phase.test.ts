import type { AddressInfo } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { OCPPServer, SecurityProfile } from "../../src/index.js";
import { useTestPki } from "../helpers/test-pki.js";
import { EventLog } from "../security-integration/support.js";
import { closed, rawConnect } from "./raw-wire.js";

const servers: OCPPServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close({ force: true });
});

const pki = useTestPki();

async function start(options: ConstructorParameters<typeof OCPPServer>[0]) {
  const server = new OCPPServer({ protocols: ["ocpp1.6"], ...options });
  servers.push(server);
  const log = new EventLog(server);
  const http = await server.listen(0, "127.0.0.1");
  return { server, log, http, port: (http.address() as AddressInfo).port };
}

/** Everything the server writes before it closes the connection. */
function readAll(socket: import("node:net").Socket): Promise<string> {
  let text = "";
  socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
  return closed(socket).then(() => text);
}

// issue 9 item 7: a peer that never finishes its request head is bounded by
// handshakeTimeoutMs too, not only the upgrade handler's part.
describe("handshakeTimeoutMs bounds the request head of listen()'s server", () => {
  it("half a request line: 408, closed, one UPGRADE_ABORTED with the address", async () => {
    const { log, port } = await start({ handshakeTimeoutMs: 300 });
    const sockets = await Promise.all([1, 2, 3].map(() => rawConnect(port)));
    const answers = sockets.map(readAll);
    for (const socket of sockets) socket.write("GET /CP-SLOW HTT");
    for (const answer of answers) expect(await answer).toMatch(/^HTTP\/1\.1 408 /);
    const events = log.events.filter((e) => e.type === "UPGRADE_ABORTED");
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event).toMatchObject({ remoteAddress: "127.0.0.1", status: 408 });
      expect(event.reason).toMatch(/within 300 ms/);
    }
  });

  it("a connection that sends nothing is closed too", async () => {
    const { log, port } = await start({ handshakeTimeoutMs: 300 });
    const socket = await rawConnect(port);
    await readAll(socket);
    expect((await log.waitFor("UPGRADE_ABORTED")).remoteAddress).toBe("127.0.0.1");
  });

  it("reconfigure({ handshakeTimeoutMs }) applies to the running server", async () => {
    const { server, log, port, http } = await start({ handshakeTimeoutMs: 60_000 });
    server.reconfigure({ handshakeTimeoutMs: 300 });
    expect(http.headersTimeout).toBe(300);
    const socket = await rawConnect(port);
    const answer = readAll(socket);
    socket.write("GET /CP");
    expect(await answer).toMatch(/^HTTP\/1\.1 408 /);
    expect((await log.waitFor("UPGRADE_ABORTED")).reason).toMatch(/within 300 ms/);
  });

  it("what is not HTTP gets 400 and an UPGRADE_ABORTED with the address", async () => {
    const { log, port } = await start({});
    const socket = await rawConnect(port);
    const answer = readAll(socket);
    socket.write("\x16\x03\x01 not http\r\n\r\n");
    expect(await answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(await log.waitFor("UPGRADE_ABORTED")).toMatchObject({
      remoteAddress: "127.0.0.1",
      status: 400,
    });
  });

  it("a TLS handshake that never completes is bounded, one TLS_ERROR with the address", async () => {
    const { log, port } = await start({
      handshakeTimeoutMs: 300,
      securityProfile: SecurityProfile.TLS_BASIC_AUTH,
      tls: { cert: pki.serverRsa.cert, key: pki.serverRsa.key },
    });
    // TCP only: no ClientHello ever comes.
    const socket = await rawConnect(port);
    await closed(socket);
    const event = await log.waitFor("TLS_ERROR");
    expect(event.remoteAddress).toBe("127.0.0.1");
    expect(event.reason).toMatch(/timed out|timeout/i);
  });

  it("an unfinished request head after TLS is bounded as well", async () => {
    const { log, port } = await start({
      handshakeTimeoutMs: 300,
      securityProfile: SecurityProfile.TLS_BASIC_AUTH,
      tls: { cert: pki.serverRsa.cert, key: pki.serverRsa.key },
    });
    const socket = tlsConnect({
      port,
      host: "127.0.0.1",
      ca: pki.ca.cert,
      servername: "localhost",
    });
    socket.on("error", () => socket.destroy());
    await new Promise((r) => socket.once("secureConnect", r));
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    socket.write("GET /CP-TLS HTTP/1.1\r\nHost: x\r\n");
    await new Promise((r) => socket.once("close", r));
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect((await log.waitFor("UPGRADE_ABORTED")).remoteAddress).toBe("127.0.0.1");
  });
});
