import { Server as HttpsServer } from "node:https";
import { afterEach, describe, expect, it } from "vitest";
import { OCPPServer, SecurityProfile, type OCPPServerClient } from "../../src/index.js";
import { useTestPki } from "../helpers/test-pki.js";
import { Peers } from "../helpers/peers.js";
import { closeRawCsms, frame, rawCsms } from "./raw-wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

const pki = useTestPki();

// issue 9 item 9: every option reconfigure() accepts takes effect or is refused.
describe("reconfigure({ maxPayloadBytes })", () => {
  it("server: a new connection gets the new limit, an open one keeps its own", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], maxPayloadBytes: 100 });
    server.on("client", (c) => c.handle("DataTransfer", () => ({ status: "Accepted" })));
    const before = peers.client({ endpoint: url, identity: "CP-OLD", protocols: ["ocpp1.6"] });
    await before.connect();
    server.reconfigure({ maxPayloadBytes: 10_000 });

    const accepted = new Promise<OCPPServerClient>((r) => server.once("client", r));
    const after = peers.client({ endpoint: url, identity: "CP-NEW", protocols: ["ocpp1.6"] });
    await after.connect();
    await accepted;
    const data = "x".repeat(1000);
    // Over the old limit, under the new one.
    expect(await after.call("DataTransfer", { vendorId: "v", data })).toEqual({
      status: "Accepted",
    });
    const closed = new Promise<{ code: number }>((r) => before.once("close", r));
    void before.call("DataTransfer", { vendorId: "v", data }).catch(() => undefined);
    expect((await closed).code).toBe(1009);
  });

  it("client: the next connection takes the new limit", async () => {
    const big = frame({
      payload: JSON.stringify([2, "c1", "DataTransfer", { vendorId: "x".repeat(2000) }]),
    });
    const csms = await rawCsms("ocpp1.6", big);
    const station = peers.client({
      endpoint: csms.url,
      identity: "CP-1",
      protocols: ["ocpp1.6"],
      maxPayloadBytes: 100,
    });
    station.handle("DataTransfer", () => ({ status: "Accepted" }));
    let errorCode: string | undefined;
    station.on("socketError", (err: Error & { code?: string }) => (errorCode = err.code));
    const firstClose = new Promise((r) => station.once("close", r));
    await station.connect();
    await firstClose;
    expect(errorCode).toBe("WS_ERR_UNSUPPORTED_MESSAGE_LENGTH");

    station.reconfigure({ maxPayloadBytes: 10_000 });
    errorCode = undefined;
    const message = new Promise<string>((r) =>
      station.on("message", (m) => {
        if (!m.outbound) r(m.message);
      }),
    );
    await station.connect();
    expect((JSON.parse(await message) as unknown[]).slice(0, 3)).toEqual([2, "c1", "DataTransfer"]);
    expect(errorCode).toBeUndefined();
    await station.close({ force: true });
    await closeRawCsms(csms);
  });
});

describe("reconfigure() of what listen()'s servers were made with", () => {
  it("refuses a securityProfile change while they run, changing nothing", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    server.on("client", (c) => c.handle("DataTransfer", () => ({ status: "Accepted" })));
    expect(() =>
      server.reconfigure({
        securityProfile: SecurityProfile.TLS_BASIC_AUTH,
        tls: { cert: pki.serverRsa.cert, key: pki.serverRsa.key },
        maxPayloadBytes: 5,
      }),
    ).toThrow(
      "reconfigure(): option 'securityProfile' cannot change while servers made by listen() run; close() and listen() again",
    );
    // maxPayloadBytes: 5 was not applied either.
    const station = peers.client({ endpoint: url, identity: "CP-1", protocols: ["ocpp1.6"] });
    await station.connect();
    expect(await station.call("DataTransfer", { vendorId: "v" })).toEqual({ status: "Accepted" });
  });

  it("a server not yet listening takes a securityProfile change", async () => {
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    server.reconfigure({
      securityProfile: SecurityProfile.TLS_BASIC_AUTH,
      tls: { cert: pki.serverRsa.cert, key: pki.serverRsa.key },
    });
    const http = await server.listen(0, "127.0.0.1");
    expect(http).toBeInstanceOf(HttpsServer);
    await server.close();
  });
});
