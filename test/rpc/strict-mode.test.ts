import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createValidator,
  RPCError,
  type HandlerContext,
  type StrictValidationFailureEvent,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { setChargingProfile16 } from "../helpers/payloads.js";
import {
  bareClientAndServer,
  clientAndBareServer,
  expectCallIsNextFrame,
  expectHeartbeatRoundTrip,
  heartbeat,
  OCPP_VERSIONS,
  record,
  type OcppVersion,
} from "./wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

const NOW = "2024-01-01T00:00:00.000Z";
const BOOT_RESULT = { status: "Accepted", currentTime: NOW, interval: 300 } as const;

/** Valid and invalid payloads of one version, and its spelling of occurrence errors. */
type VersionPayloads = {
  boot: object;
  missing: object;
  wrongType: object;
  badEnum: [method: string, params: object];
  occurrence: string;
};

const V2_PAYLOADS: VersionPayloads = {
  boot: { reason: "PowerUp", chargingStation: { model: "M", vendorName: "V" } },
  missing: { reason: "PowerUp" },
  wrongType: { reason: "PowerUp", chargingStation: { model: 5, vendorName: "V" } },
  badEnum: [
    "BootNotification",
    { reason: "Bogus", chargingStation: { model: "M", vendorName: "V" } },
  ],
  occurrence: "OccurrenceConstraintViolation",
};

/** Per version: its payloads (VersionPayloads). */
const V: Record<OcppVersion, VersionPayloads> = {
  "ocpp1.6": {
    boot: { chargePointVendor: "V", chargePointModel: "M" },
    missing: { chargePointModel: "M" },
    wrongType: { chargePointVendor: 5, chargePointModel: "M" },
    badEnum: ["StatusNotification", { connectorId: 1, errorCode: "NoError", status: "Bogus" }],
    occurrence: "OccurenceConstraintViolation",
  },
  // 2.1 keeps 2.0.1's BootNotification.
  "ocpp2.0.1": V2_PAYLOADS,
  "ocpp2.1": V2_PAYLOADS,
};

describe.each(OCPP_VERSIONS)("strict mode as caller (%s)", (protocol) => {
  async function strictClient() {
    const setup = await clientAndBareServer(peers, { strictMode: true }, protocol);
    return { ...setup, failures: record(setup.client, "strictValidationFailure") };
  }

  it("rejects a call with invalid params before sending anything", async () => {
    const { client, peer, failures } = await strictClient();
    const error: unknown = await client
      .call("BootNotification", V[protocol].missing as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RPCError);
    expect((error as RPCError).rpcErrorCode).toMatch(/^Occurr?enceConstraintViolation$/);
    await expectCallIsNextFrame(client, peer);
    expect(failures).toEqual([
      {
        error,
        message: [2, expect.any(String), "BootNotification", V[protocol].missing],
        messageId: expect.any(String),
        method: "BootNotification",
        params: V[protocol].missing,
        result: null,
        outbound: true,
        isCall: true,
      },
    ]);
  });

  it("sends a call with valid params and resolves with a valid result", async () => {
    const { client, peer, failures } = await strictClient();
    const call = client.call("BootNotification", V[protocol].boot as never);
    const frame = await peer.nextJson();
    expect(frame).toEqual([2, expect.any(String), "BootNotification", V[protocol].boot]);
    peer.send([3, frame[1], BOOT_RESULT]);
    await expect(call).resolves.toEqual(BOOT_RESULT);
    expect(failures).toEqual([]);
  });

  it("rejects a call whose result is invalid", async () => {
    const { client, peer, failures } = await strictClient();
    const call = client.call("Heartbeat", {});
    const frame = await peer.nextJson();
    peer.send([3, frame[1], {}]);
    const error: unknown = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RPCError);
    expect((error as RPCError).rpcErrorCode).toMatch(/^Occurr?enceConstraintViolation$/);
    expect(failures).toEqual([
      {
        error,
        message: [3, frame[1], {}],
        messageId: frame[1],
        method: "Heartbeat",
        params: {},
        result: {},
        outbound: false,
        isCall: false,
      },
    ]);
    if (protocol === "ocpp2.1") {
      // 2.1 Part 4 §4.2.3: a CALLRESULT that cannot be processed gets a CALLRESULTERROR.
      expect(await peer.nextJson()).toEqual([
        5,
        frame[1],
        "OccurrenceConstraintViolation",
        expect.any(String),
        expect.any(Object),
      ]);
    }
    // Under 1.6 and 2.0.1 nothing answers a CALLRESULT.
    await expectCallIsNextFrame(client, peer);
  });
});

describe.each(OCPP_VERSIONS)("strict mode as callee (%s)", (protocol) => {
  async function strictServer() {
    const handler = vi.fn((_method: string) => undefined);
    let failures: StrictValidationFailureEvent[] = [];
    const setup = await bareClientAndServer(peers, protocol, { strictMode: true }, (client) => {
      client.handle("Heartbeat", heartbeat);
      client.handle("BootNotification", ({ method }) => {
        handler(method);
        return BOOT_RESULT;
      });
      client.handle("StatusNotification", ({ method }) => {
        handler(method);
        return {};
      });
      failures = record(client, "strictValidationFailure");
    });
    return { ...setup, handler, failures: () => failures };
  }

  it("passes a valid call to the handler and sends its valid result", async () => {
    const { peer, handler, failures } = await strictServer();
    peer.send([2, "ok", "BootNotification", V[protocol].boot]);
    expect(await peer.nextJson()).toEqual([3, "ok", BOOT_RESULT]);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(failures()).toEqual([]);
  });

  it(`answers a missing field with ${V[protocol].occurrence} without calling the handler`, async () => {
    const { peer, handler, failures } = await strictServer();
    peer.send([2, "m1", "BootNotification", V[protocol].missing]);
    expect(await peer.nextJson()).toEqual([
      4,
      "m1",
      V[protocol].occurrence,
      expect.any(String),
      expect.any(Object),
    ]);
    expect(handler).not.toHaveBeenCalled();
    expect(failures()).toHaveLength(1);
    expect(failures()[0]).toEqual({
      error: expect.any(RPCError),
      message: [2, "m1", "BootNotification", V[protocol].missing],
      messageId: "m1",
      method: "BootNotification",
      params: V[protocol].missing,
      result: null,
      outbound: false,
      isCall: true,
    });
    await expectHeartbeatRoundTrip(peer);
  });

  it("answers a field of the wrong type with TypeConstraintViolation", async () => {
    const { peer, handler, failures } = await strictServer();
    peer.send([2, "t1", "BootNotification", V[protocol].wrongType]);
    expect(await peer.nextJson()).toEqual([
      4,
      "t1",
      "TypeConstraintViolation",
      expect.any(String),
      expect.any(Object),
    ]);
    expect(handler).not.toHaveBeenCalled();
    expect(failures()).toHaveLength(1);
  });

  it("answers a value outside its enum with PropertyConstraintViolation", async () => {
    const { peer, handler, failures } = await strictServer();
    const [method, params] = V[protocol].badEnum;
    peer.send([2, "e1", method, params]);
    expect(await peer.nextJson()).toEqual([
      4,
      "e1",
      "PropertyConstraintViolation",
      expect.any(String),
      expect.any(Object),
    ]);
    expect(handler).not.toHaveBeenCalled();
    expect(failures()[0]).toMatchObject({ method, messageId: "e1", outbound: false, isCall: true });
  });

  it("replaces an invalid handler result with InternalError", async () => {
    const { peer, failures } = await bareClientAndServer(
      peers,
      protocol,
      { strictMode: true },
      (c) => c.handle("Heartbeat", () => ({ currentTime: 42 }) as never),
    ).then((s) => ({ ...s, failures: record(s.client, "strictValidationFailure") }));
    peer.send([2, "r1", "Heartbeat", {}]);
    expect(await peer.nextJson()).toEqual([4, "r1", "InternalError", expect.any(String), {}]);
    expect(failures).toEqual([
      {
        error: expect.any(RPCError),
        message: [3, "r1", { currentTime: 42 }],
        messageId: "r1",
        method: "Heartbeat",
        params: {},
        result: { currentTime: 42 },
        outbound: true,
        isCall: false,
      },
    ]);
  });
});

describe("strict mode options", () => {
  it("validates only the protocols listed in strictMode", async () => {
    const { server, url } = await peers.server({
      protocols: ["ocpp1.6", "ocpp2.0.1"],
      strictMode: ["ocpp2.0.1"],
    });
    server.on("client", (client) => client.handle("BootNotification", () => BOOT_RESULT));
    const loose = await peers.bareClient(url, "CP16", ["ocpp1.6"]);
    const strict = await peers.bareClient(url, "CP201", ["ocpp2.0.1"]);
    loose.send([2, "l1", "BootNotification", { chargePointModel: "M" }]);
    strict.send([2, "s1", "BootNotification", { reason: "PowerUp" }]);
    expect(await loose.nextJson()).toEqual([3, "l1", BOOT_RESULT]);
    expect(await strict.nextJson()).toEqual([
      4,
      "s1",
      "OccurrenceConstraintViolation",
      expect.any(String),
      expect.any(Object),
    ]);
  });

  it("validates only the methods listed in strictModeMethods", async () => {
    const { peer } = await bareClientAndServer(
      peers,
      "ocpp2.0.1",
      { strictMode: true, strictModeMethods: ["BootNotification"] },
      (client) => {
        client.handle("Heartbeat", () => ({}) as never);
        client.handle("BootNotification", () => BOOT_RESULT);
      },
    );
    peer.send([2, "h1", "Heartbeat", { unexpected: true }]);
    expect(await peer.nextJson()).toEqual([3, "h1", {}]);
    peer.send([2, "b1", "BootNotification", { reason: "PowerUp" }]);
    expect((await peer.nextJson()).slice(0, 3)).toEqual([4, "b1", "OccurrenceConstraintViolation"]);
  });

  it("accepts numbers within multipleOf tolerance on the wire (1.6 SetChargingProfile)", async () => {
    const { client, peer } = await clientAndBareServer(peers, { strictMode: true }, "ocpp1.6");
    client.handle("SetChargingProfile", () => ({ status: "Accepted" }));
    const profile = setChargingProfile16;
    peer.send([2, "c1", "SetChargingProfile", profile(0.1 * 3)]);
    expect(await peer.nextJson()).toEqual([3, "c1", { status: "Accepted" }]);
    peer.send([2, "c2", "SetChargingProfile", profile(0.15)]);
    expect((await peer.nextJson()).slice(0, 3)).toEqual([4, "c2", "PropertyConstraintViolation"]);
  });
});

describe("strict mode with a custom validator (seed 001 'echo1.0')", () => {
  const echo = {
    $schema: "http://json-schema.org/draft-07/schema",
    type: "object",
    properties: { val: { type: "string" } },
    additionalProperties: false,
    required: ["val"],
  };
  const echoValidator = createValidator("echo1.0", [
    { ...echo, $id: "urn:Echo.req" },
    { ...echo, $id: "urn:Echo.conf" },
  ]);

  it("validates inbound calls of the custom protocol", async () => {
    const { peer } = await bareClientAndServer(
      peers,
      "echo1.0",
      { strictMode: true, strictModeValidators: [echoValidator] },
      (client) => client.handle("Echo", ({ params }: HandlerContext) => params),
    );
    peer.send([2, "e1", "Echo", { val: "foo" }]);
    expect(await peer.nextJson()).toEqual([3, "e1", { val: "foo" }]);
    peer.send([2, "e2", "Echo", ["bar"]]);
    expect((await peer.nextJson()).slice(0, 3)).toEqual([4, "e2", "FormatViolation"]);
    peer.send([2, "e3", "Echo", { val: 5 }]);
    expect((await peer.nextJson()).slice(0, 3)).toEqual([4, "e3", "TypeConstraintViolation"]);
  });

  it("rejects an invalid outbound call of the custom protocol before sending it", async () => {
    const { client, peer } = await clientAndBareServer(
      peers,
      { strictMode: true, strictModeValidators: [echoValidator] },
      "echo1.0",
    );
    await expect(client.call("Echo", ["bar"])).rejects.toBeInstanceOf(RPCError);
    const call = client.call("Echo", { val: "foo" });
    const frame = await peer.nextJson();
    expect(frame).toEqual([2, expect.any(String), "Echo", { val: "foo" }]);
    peer.send([3, frame[1], { val: "foo" }]);
    await expect(call).resolves.toEqual({ val: "foo" });
  });
});
