import { afterEach, describe, expect, it } from "vitest";
import {
  createValidator,
  OCPPServer,
  RPCNotSupportedError,
  TimeoutError,
  type OCPPServerClient,
  type ServerOptions,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { waitFor } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

describe("OCPPServerClient#call (server-initiated)", () => {
  it("calls GetConfiguration on a station and gets its handler's answer", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const connected = waitFor<OCPPServerClient>(server, "client");
    const station = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    const asked: unknown[] = [];
    station.handle("GetConfiguration", ({ params }) => {
      asked.push(params);
      return { configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "300" }] };
    });
    await station.connect();
    const result = await (await connected).call("GetConfiguration", { key: ["HeartbeatInterval"] });
    expect(result).toEqual({
      configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "300" }],
    });
    expect(asked).toEqual([{ key: ["HeartbeatInterval"] }]);
  });

  it("rejects with the station's RPC error", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const connected = waitFor<OCPPServerClient>(server, "client");
    const station = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    station.handle("Reset", () => {
      throw new RPCNotSupportedError("Hard reset not supported");
    });
    await station.connect();
    const err = await (await connected).call("Reset", { type: "Hard" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RPCNotSupportedError);
    expect((err as RPCNotSupportedError).rpcErrorCode).toBe("NotSupported");
    expect((err as Error).message).toBe("Hard reset not supported");
  });

  it("serves calls from the station to the server's handlers", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    server.on("client", (client) =>
      client.handle("BootNotification", ({ params }) => ({
        status: "Accepted",
        currentTime: "2024-01-01T00:00:00.000Z",
        interval: (params as { chargePointModel: string }).chargePointModel.length,
      })),
    );
    const station = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    await station.connect();
    await expect(
      station.call("BootNotification", {
        chargePointVendor: "VendorX",
        chargePointModel: "ModelY",
      }),
    ).resolves.toEqual({
      status: "Accepted",
      currentTime: "2024-01-01T00:00:00.000Z",
      interval: 6,
    });
  });
});

describe("OCPPServerClient#connect", () => {
  it("rejects: the station connects, never the server-side client", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const connected = waitFor<OCPPServerClient>(server, "client");
    await peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] }).connect();
    const serverClient = await connected;
    await expect(serverClient.connect()).rejects.toThrow(Error);
    expect(serverClient.state).toBe(1);
  });
});

describe("OCPPServer#reconfigure", () => {
  it("applies a new callTimeoutMs to clients that connect afterwards", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], callTimeoutMs: 10_000 });
    server.reconfigure({ callTimeoutMs: 50 });
    const connected = waitFor<OCPPServerClient>(server, "client");
    // A bare station that never answers.
    await peers.bareClient(url, "SILENT", ["ocpp1.6"]);
    const serverClient = await connected;
    const started = Date.now();
    await expect(serverClient.call("GetConfiguration", {})).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("applies new protocols to later upgrades", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    server.reconfigure({ protocols: ["ocpp2.0.1"] });
    const connected = waitFor<OCPPServerClient>(server, "client");
    await peers
      .client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6", "ocpp2.0.1"] })
      .connect();
    expect((await connected).protocol).toBe("ocpp2.0.1");
  });

  it("throws a TypeError naming a bad option and keeps the old configuration", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    expect(() => server.reconfigure({ callTimeoutMs: "x" } as unknown as ServerOptions)).toThrow(
      /callTimeoutMs/,
    );
    expect(() => server.reconfigure({ bogus: true } as unknown as ServerOptions)).toThrow(
      /'bogus'/,
    );
    await expect(
      peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] }).connect(),
    ).resolves.toBeDefined();
  });
});

describe("new OCPPServer(options)", () => {
  const make = (options: Record<string, unknown>) => () => new OCPPServer(options);

  it("accepts no options at all", () => {
    expect(() => new OCPPServer()).not.toThrow();
  });

  it("throws a TypeError naming an unknown option", () => {
    expect(make({ protocol: ["ocpp1.6"] })).toThrow(TypeError);
    expect(make({ protocol: ["ocpp1.6"] })).toThrow(/'protocol'/);
  });

  it.each([
    ["protocols", "ocpp1.6"],
    ["callTimeoutMs", "30"],
    ["pingIntervalMs", null],
    ["handshakeTimeoutMs", "1000"],
    ["maxPayloadBytes", "big"],
    ["strictIdentities", "yes"],
    ["respondWithDetailedErrors", 1],
    ["callConcurrency", {}],
    ["securityProfile", 7],
  ])("throws a TypeError naming '%s' for a value of the wrong type", (name, value) => {
    expect(make({ [name]: value })).toThrow(TypeError);
    expect(make({ [name]: value })).toThrow(new RegExp(name));
  });

  it.each([
    ["callTimeoutMs", -1],
    ["handshakeTimeoutMs", 0],
    ["callConcurrency", 0],
    ["maxPayloadBytes", 0.5],
  ])("throws a RangeError naming '%s' for the out-of-range value %s", (name, value) => {
    expect(make({ [name]: value })).toThrow(RangeError);
    expect(make({ [name]: value })).toThrow(new RegExp(name));
  });

  it("throws a TypeError naming tls.cert for a TLS profile without a certificate", () => {
    expect(make({ securityProfile: 2 })).toThrow(TypeError);
    expect(make({ securityProfile: 2 })).toThrow(/tls\.cert/);
  });

  it("throws a TypeError at construction for strictMode with a protocol that has no validator", () => {
    expect(make({ protocols: ["custom1.0"], strictMode: true })).toThrow(TypeError);
    expect(make({ protocols: ["custom1.0"], strictMode: true })).toThrow(/custom1\.0/);
    expect(make({ protocols: ["ocpp1.6", "custom1.0"], strictMode: ["custom1.0"] })).toThrow(
      /custom1\.0/,
    );
  });

  it("throws a TypeError for strictMode: true without protocols", () => {
    expect(make({ strictMode: true })).toThrow(TypeError);
  });

  it("accepts strictMode for a custom protocol given its validator", () => {
    const validator = createValidator("echo1.0", [
      { $schema: "http://json-schema.org/draft-07/schema", $id: "urn:Echo.req", type: "object" },
      { $schema: "http://json-schema.org/draft-07/schema", $id: "urn:Echo.conf", type: "object" },
    ]);
    expect(
      make({ protocols: ["echo1.0"], strictMode: true, strictModeValidators: [validator] }),
    ).not.toThrow();
  });

  it("accepts strictMode for the built-in OCPP protocols", () => {
    expect(
      make({ protocols: ["ocpp1.6", "ocpp2.0.1", "ocpp2.1"], strictMode: true }),
    ).not.toThrow();
  });
});
