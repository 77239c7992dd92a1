/**
 * handlerGraceMs: a CALL that arrives before its handler is registered waits for it during a
 * window after the connection opens, instead of being answered NotImplemented.
 */
import { afterEach, describe, expect, it } from "vitest";
import { OCPPClient, OCPPServer, type CallEvent, type OCPPServerClient } from "../../src/index.js";
import { MAX_PARKED_CALLS } from "../../src/rpc/inbound/handler-grace.js";
import { waitFor } from "../helpers/events.js";
import { Peers, type BarePeer } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

/** A server whose 'client' listener registers nothing, and a bare station connected to it. */
async function unhandled(
  options: { handlerGraceMs?: number } = {},
): Promise<{ client: OCPPServerClient; station: BarePeer }> {
  const { server, url } = await peers.server({ protocols: ["ocpp1.6"], ...options });
  const accepted = waitFor<OCPPServerClient>(server, "client");
  const station = await peers.bareClient(url, "CP1");
  return { client: await accepted, station };
}

describe("handlerGraceMs", () => {
  it("runs a CALL that arrived before its handler once the handler is registered (default window)", async () => {
    const { client, station } = await unhandled();
    const received = waitFor<CallEvent>(client, "call");
    station.send([2, "r1", "VendorAction", { idTag: "A" }]);
    expect((await received).messageId).toBe("r1");
    // Registered after the CALL was received, as after an await in a 'client' listener.
    client.handle("VendorAction", ({ params }) => ({ status: "Accepted", echo: params }));
    expect(await station.nextJson()).toEqual([
      3,
      "r1",
      { status: "Accepted", echo: { idTag: "A" } },
    ]);
  });

  it("a wildcard handler registered later takes the held CALLs too, in arrival order", async () => {
    const { client, station } = await unhandled();
    const both = new Promise<void>((resolve) => {
      let seen = 0;
      client.on("call", () => ++seen === 2 && resolve());
    });
    station.send([2, "a", "X", {}]);
    station.send([2, "b", "Y", {}]);
    await both;
    client.handle((method) => ({ method }));
    expect(await station.nextJson()).toEqual([3, "a", { method: "X" }]);
    expect(await station.nextJson()).toEqual([3, "b", { method: "Y" }]);
  });

  it("answers NotImplemented when the window ends without a handler for the method", async () => {
    const { client, station } = await unhandled({ handlerGraceMs: 300 });
    const received = waitFor(client, "call");
    station.send([2, "n1", "Unknown", {}]);
    await received;
    client.handle("Other", () => ({}));
    expect(await station.nextJson()).toEqual([4, "n1", "NotImplemented", expect.any(String), {}]);
  });

  it("handlerGraceMs: 0 answers NotImplemented without holding, and a handler added later does not answer it", async () => {
    const { client, station } = await unhandled({ handlerGraceMs: 0 });
    station.send([2, "z1", "VendorAction", {}]);
    expect(await station.nextJson()).toEqual([4, "z1", "NotImplemented", expect.any(String), {}]);
    client.handle("VendorAction", () => ({ status: "Accepted" }));
    station.send([2, "z2", "VendorAction", {}]);
    // The next frame answers z2: z1 was not run late.
    expect(await station.nextJson()).toEqual([3, "z2", { status: "Accepted" }]);
  });

  it(`holds at most ${MAX_PARKED_CALLS} CALLs: the next is refused at once`, async () => {
    const { client, station } = await unhandled();
    for (let i = 0; i <= MAX_PARKED_CALLS; i++) station.send([2, `m${i}`, "Later", {}]);
    expect(await station.nextJson()).toEqual([
      4,
      `m${MAX_PARKED_CALLS}`,
      "NotImplemented",
      expect.any(String),
      {},
    ]);
    client.handle("Later", () => ({}));
    for (let i = 0; i < MAX_PARKED_CALLS; i++) {
      expect(await station.nextJson()).toEqual([3, `m${i}`, {}]);
    }
  });

  it("a second CALL with a held CALL's id is refused as a duplicate; the first still runs", async () => {
    const { client, station } = await unhandled();
    station.send([2, "d1", "VendorAction", {}]);
    await waitFor(client, "call");
    // Another frame under the same id (an identical one would be a repeat, see callDeduplication).
    station.send([2, "d1", "VendorAction", { again: true }]);
    const refused = await station.nextJson();
    expect(refused.slice(0, 2)).toEqual([4, "d1"]);
    expect(refused[3]).toContain("Already processing");
    client.handle("VendorAction", () => ({ status: "Accepted" }));
    expect(await station.nextJson()).toEqual([3, "d1", { status: "Accepted" }]);
  });

  it("held CALLs are dropped when the connection closes: a handler registered after it never runs", async () => {
    const { client, station } = await unhandled();
    station.send([2, "c1", "VendorAction", {}]);
    await waitFor(client, "call");
    const closed = waitFor(client, "close");
    station.ws.close();
    await closed;
    let ran = 0;
    client.handle("VendorAction", () => {
      ran++;
      return {};
    });
    expect(ran).toBe(0);
  });

  it("works on the station side: a CALL sent as the connection opens waits for handle() after connect()", async () => {
    const csms = await peers.bareServer({ protocol: "ocpp1.6" });
    const station = peers.client({
      endpoint: csms.url,
      identity: "CP2",
      protocols: ["ocpp1.6"],
    });
    const received = waitFor<CallEvent>(station, "call");
    const opened = csms.nextConnection();
    const connected = station.connect();
    (await opened).send([2, "s1", "GetConfiguration", {}]);
    await connected;
    await received;
    station.handle("GetConfiguration", () => ({ configurationKey: [] }));
    const peer = await opened;
    expect(await peer.nextJson()).toEqual([3, "s1", { configurationKey: [] }]);
  });

  it.each([
    [-1, RangeError],
    [Infinity, RangeError],
    [2 ** 31, RangeError],
    ["1000", TypeError],
  ])("refuses handlerGraceMs %s with a %s naming it", (value, type) => {
    expect(() => new OCPPServer({ handlerGraceMs: value as number })).toThrow(type);
    expect(() => new OCPPServer({ handlerGraceMs: value as number })).toThrow(/handlerGraceMs/);
    expect(
      () =>
        new OCPPClient({
          identity: "x",
          endpoint: "ws://127.0.0.1:1",
          handlerGraceMs: value as number,
        }),
    ).toThrow(/handlerGraceMs/);
  });
});
