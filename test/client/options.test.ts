import { afterEach, describe, expect, it } from "vitest";
import { OCPPClient, SecurityProfile, type ClientOptions } from "../../src/index.js";

const base = { endpoint: "ws://127.0.0.1:1", identity: "CP001" } satisfies ClientOptions;

/** Builds a client from options the type system would refuse (what a JS caller can pass). */
function make(options: Record<string, unknown>): OCPPClient {
  return new OCPPClient(options as unknown as ClientOptions);
}

const made: OCPPClient[] = [];
afterEach(async () => {
  for (const c of made.splice(0)) await c.close({ force: true });
});

describe("new OCPPClient(options)", () => {
  it("accepts the documented options and exposes identity and securityProfile", () => {
    const client = new OCPPClient({
      ...base,
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.NONE,
      headers: { "x-a": "1" },
      query: { a: "1" },
      reconnect: true,
      maxReconnects: 3,
      backoffMin: 10,
      backoffMax: 20,
      callTimeoutMs: 1000,
      pingIntervalMs: 0,
      deferPingsOnActivity: true,
      callConcurrency: 2,
      maxBadMessages: 5,
      respondWithDetailedErrors: true,
      offlineQueue: true,
      offlineQueueMaxSize: 5,
    });
    made.push(client);
    expect(client.identity).toBe("CP001");
    expect(client.securityProfile).toBe(SecurityProfile.NONE);
    expect(client.state).toBe(OCPPClient.CLOSED);
    expect(client.protocol).toBeUndefined();
  });

  it("infers securityProfile 1 from a password on ws://", () => {
    const client = new OCPPClient({ ...base, password: "secret" });
    made.push(client);
    expect(client.securityProfile).toBe(SecurityProfile.BASIC_AUTH);
  });

  it("throws a TypeError naming 'identity' when it is missing", () => {
    expect(() => make({ endpoint: base.endpoint })).toThrow(TypeError);
    expect(() => make({ endpoint: base.endpoint })).toThrow(/identity/);
  });

  it("throws a TypeError naming 'identity' when it is empty or not a string", () => {
    expect(() => make({ ...base, identity: "" })).toThrow(/identity/);
    expect(() => make({ ...base, identity: 42 })).toThrow(TypeError);
  });

  it("throws a TypeError naming 'endpoint' when it is missing", () => {
    expect(() => make({ identity: "CP001" })).toThrow(TypeError);
    expect(() => make({ identity: "CP001" })).toThrow(/endpoint/);
  });

  it.each(["not a url", "ftp://example.com", "localhost:3000"])(
    "throws a TypeError naming 'endpoint' for %j",
    (endpoint) => {
      expect(() => make({ ...base, endpoint })).toThrow(TypeError);
      expect(() => make({ ...base, endpoint })).toThrow(/endpoint/);
    },
  );

  it("throws a TypeError naming an unknown option", () => {
    expect(() => make({ ...base, pingInterval: 10 })).toThrow(TypeError);
    expect(() => make({ ...base, pingInterval: 10 })).toThrow(/'pingInterval'/);
  });

  it.each([
    ["callTimeoutMs", "1000"],
    ["pingIntervalMs", "fast"],
    ["callConcurrency", null],
    ["maxReconnects", "3"],
    ["backoffMin", {}],
    ["reconnect", "yes"],
    ["offlineQueue", 1],
    ["deferPingsOnActivity", "true"],
    ["respondWithDetailedErrors", 0],
    ["protocols", "ocpp1.6"],
    ["protocols", [1]],
    ["query", 42],
    ["headers", null],
    ["strictMode", "yes"],
  ])("throws a TypeError naming '%s' for a value of the wrong type", (name, value) => {
    expect(() => make({ ...base, [name]: value })).toThrow(TypeError);
    expect(() => make({ ...base, [name]: value })).toThrow(new RegExp(name));
  });

  it.each([
    ["callTimeoutMs", -1],
    ["callConcurrency", 0],
    ["callConcurrency", 1.5],
    ["backoffMin", -5],
    ["offlineQueueMaxSize", 0],
  ])("throws a RangeError naming '%s' for the out-of-range value %s", (name, value) => {
    expect(() => make({ ...base, [name]: value })).toThrow(RangeError);
    expect(() => make({ ...base, [name]: value })).toThrow(new RegExp(name));
  });

  it("throws a RangeError when backoffMax is below backoffMin", () => {
    expect(() => make({ ...base, backoffMin: 100, backoffMax: 10 })).toThrow(RangeError);
    expect(() => make({ ...base, backoffMin: 100, backoffMax: 10 })).toThrow(/backoffMax/);
  });

  it("throws a TypeError naming 'password' for securityProfile 1 without a password", () => {
    const build = () => new OCPPClient({ ...base, securityProfile: SecurityProfile.BASIC_AUTH });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/password/);
  });

  it("throws a TypeError naming 'endpoint' for a TLS profile on ws://", () => {
    const build = () =>
      new OCPPClient({
        ...base,
        securityProfile: SecurityProfile.TLS_BASIC_AUTH,
        password: "0123456789abcdef",
      });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/endpoint/);
  });

  it("throws a TypeError naming 'password' for a password with securityProfile 0", () => {
    const build = () =>
      new OCPPClient({ ...base, securityProfile: SecurityProfile.NONE, password: "x" });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/password/);
  });

  it("throws a TypeError for strictMode with a subprotocol that has no validator", () => {
    const build = () => new OCPPClient({ ...base, protocols: ["custom1.0"], strictMode: true });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/custom1\.0/);
  });

  it("throws a TypeError when options is not an object", () => {
    expect(() => new OCPPClient(undefined as unknown as ClientOptions)).toThrow(TypeError);
  });
});

describe("OCPPClient#reconfigure", () => {
  it("checks options like the constructor and names the bad one", () => {
    const client = new OCPPClient(base);
    made.push(client);
    expect(() => client.reconfigure({ callTimeoutMs: "x" as unknown as number })).toThrow(
      /callTimeoutMs/,
    );
    expect(() => client.reconfigure({ nope: 1 } as unknown as ClientOptions)).toThrow(/'nope'/);
  });
});
