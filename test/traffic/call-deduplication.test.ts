/**
 * callDeduplication: a station's CALL repeated with the same message id and frame (re-sent
 * after a reconnect, or while the first still runs) does not run its handler again; it gets
 * the first one's answer, CALLRESULT or CALLERROR.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  OCPPServer,
  RPCPropertyConstraintViolationError,
  type OCPPServerClient,
  type ServerOptions,
} from "../../src/index.js";
import { CallRecord, MAX_WAITING_REPEATS } from "../../src/traffic/call-deduplication.js";
import { deferred } from "../rpc/wire.js";
import { waitFor } from "../helpers/events.js";
import { Peers, type BarePeer } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

const AUTH = [2, "auth-1", "Authorize", { idTag: "TAG-1" }];

/** A server whose clients get `setup`, and a way to connect bare stations to it. */
async function serve(setup: (client: OCPPServerClient) => void, options: ServerOptions = {}) {
  const { server, url } = await peers.server({
    protocols: ["ocpp1.6"],
    callDeduplication: true,
    ...options,
  });
  server.on("client", setup);
  const connect = async (
    identity = "CP1",
  ): Promise<{ station: BarePeer; client: OCPPServerClient }> => {
    const accepted = waitFor<OCPPServerClient>(server, "client");
    const station = await peers.bareClient(url, identity);
    return { station, client: await accepted };
  };
  return { server, connect };
}

describe("callDeduplication", () => {
  it("same id and frame twice on one connection: the handler runs once, both answers are equal", async () => {
    let runs = 0;
    const { connect } = await serve((c) =>
      c.handle("Authorize", () => ({ idTagInfo: { status: "Accepted" }, run: ++runs })),
    );
    const { station } = await connect();
    station.send(AUTH);
    const first = await station.next();
    station.send(AUTH);
    const second = await station.next();
    expect(JSON.parse(first)).toEqual([3, "auth-1", { idTagInfo: { status: "Accepted" }, run: 1 }]);
    expect(second).toBe(first);
    expect(runs).toBe(1);
  });

  it("a CALL re-sent on a new connection after a reconnect gets the stored answer, a CALLERROR too", async () => {
    let runs = 0;
    const { connect } = await serve((c) =>
      c.handle("Authorize", () => {
        runs++;
        throw new RPCPropertyConstraintViolationError("idTag unknown", { idTag: "TAG-1" });
      }),
    );
    const one = await connect();
    one.station.send(AUTH);
    const first = await one.station.next();
    expect(JSON.parse(first)).toEqual([
      4,
      "auth-1",
      "PropertyConstraintViolation",
      "idTag unknown",
      { idTag: "TAG-1" },
    ]);
    one.station.ws.close();
    await one.station.closed;

    const two = await connect();
    two.station.send(AUTH);
    expect(await two.station.next()).toBe(first);
    expect(runs).toBe(1);
  });

  it.each([
    ["still open", {}],
    ["closed, its handler abandoned", { closeTimeoutMs: 50 }],
  ])(
    "a repeat on a new connection while the first runs waits for its answer (old connection %s)",
    async (oldState, options) => {
      const release = deferred<{ idTagInfo: { status: "Accepted" } }>();
      let runs = 0;
      const { connect } = await serve((c) => {
        c.handle("Authorize", () => {
          runs++;
          return release.promise;
        });
      }, options);
      const one = await connect();
      const running = waitFor(one.client, "call");
      one.station.send(AUTH);
      await running;
      // The station reconnects (the server replaces the old connection) and re-sends.
      const two = await connect();
      if (oldState !== "still open") await one.station.closed;
      const repeated = waitFor(two.client, "message");
      two.station.send(AUTH);
      await repeated;
      release.resolve({ idTagInfo: { status: "Accepted" } });
      expect(await two.station.nextJson()).toEqual([
        3,
        "auth-1",
        { idTagInfo: { status: "Accepted" } },
      ]);
      expect(runs).toBe(1);
    },
  );

  it("the same id with another frame is a new CALL once the first is answered", async () => {
    let runs = 0;
    const { connect } = await serve((c) =>
      c.handle("Authorize", ({ params }) => ({
        idTagInfo: { status: "Accepted" },
        params,
        run: ++runs,
      })),
    );
    const { station } = await connect();
    station.send(AUTH);
    await station.next();
    station.send([2, "auth-1", "Authorize", { idTag: "TAG-2" }]);
    expect((await station.nextJson())[2]).toMatchObject({ params: { idTag: "TAG-2" }, run: 2 });
  });

  it("the record is per station: another identity with the same id and frame runs the handler", async () => {
    let runs = 0;
    const { connect } = await serve((c) =>
      c.handle("Authorize", () => ({ idTagInfo: { status: "Accepted" }, run: ++runs })),
    );
    const a = await connect("CP-A");
    const b = await connect("CP-B");
    a.station.send(AUTH);
    await a.station.next();
    b.station.send(AUTH);
    expect((await b.station.nextJson())[2]).toMatchObject({ run: 2 });
  });

  it("an entry expires after windowMs: a repeat after it runs the handler again", async () => {
    let runs = 0;
    const { connect } = await serve(
      (c) => c.handle("Authorize", () => ({ idTagInfo: { status: "Accepted" }, run: ++runs })),
      { callDeduplication: { windowMs: 200 } },
    );
    const { station } = await connect();
    station.send(AUTH);
    await station.next();
    // Waiting out the window is what is under test; no event marks its end.
    await new Promise((resolve) => setTimeout(resolve, 250));
    station.send(AUTH);
    expect((await station.nextJson())[2]).toMatchObject({ run: 2 });
  });

  it("remembers at most maxEntries CALLs: the oldest is forgotten first", async () => {
    let runs = 0;
    const { connect } = await serve(
      (c) => c.handle("Authorize", () => ({ idTagInfo: { status: "Accepted" }, run: ++runs })),
      { callDeduplication: { maxEntries: 2 } },
    );
    const { station } = await connect();
    for (const id of ["a", "b", "c"]) {
      station.send([2, id, "Authorize", { idTag: "T" }]);
      await station.next();
    }
    expect(runs).toBe(3);
    station.send([2, "c", "Authorize", { idTag: "T" }]);
    expect((await station.nextJson())[2]).toMatchObject({ run: 3 });
    station.send([2, "a", "Authorize", { idTag: "T" }]);
    expect((await station.nextJson())[2]).toMatchObject({ run: 4 });
  });

  it(`at most ${MAX_WAITING_REPEATS} repeats wait for one running CALL; more are refused as duplicates`, async () => {
    const release = deferred<{ idTagInfo: { status: "Accepted" } }>();
    const { connect } = await serve((c) => c.handle("Authorize", () => release.promise));
    const { station } = await connect();
    for (let i = 0; i <= MAX_WAITING_REPEATS + 1; i++) station.send(AUTH);
    const refused = await station.nextJson();
    // RpcFrameworkError, spelled FormationViolation in OCPP 1.6.
    expect(refused.slice(0, 3)).toEqual([4, "auth-1", "FormationViolation"]);
    expect(refused[3]).toContain("Already processing");
    release.resolve({ idTagInfo: { status: "Accepted" } });
    for (let i = 0; i <= MAX_WAITING_REPEATS; i++) {
      expect(await station.nextJson()).toEqual([
        3,
        "auth-1",
        { idTagInfo: { status: "Accepted" } },
      ]);
    }
  });

  it("callDeduplication: false runs the handler for every CALL", async () => {
    let runs = 0;
    const { connect } = await serve(
      (c) => c.handle("Authorize", () => ({ idTagInfo: { status: "Accepted" }, run: ++runs })),
      { callDeduplication: false },
    );
    const { station } = await connect();
    station.send(AUTH);
    await station.next();
    station.send(AUTH);
    expect((await station.nextJson())[2]).toMatchObject({ run: 2 });
  });

  it("the record sweeps expired entries as new CALLs arrive", () => {
    const record = new CallRecord({ windowMs: 100, maxEntries: 10 });
    record.add("k1", "f1", 0);
    record.add("k2", "f2", 50);
    expect(record.size).toBe(2);
    record.add("k3", "f3", 120);
    expect(record.size).toBe(2);
    expect(record.get("k1", 120)).toBeUndefined();
    expect(record.get("k2", 120)?.frame).toBe("f2");
  });

  it.each([
    [{ windowMs: 0 }, RangeError, /callDeduplication\.windowMs/],
    [{ windowMs: Infinity }, RangeError, /callDeduplication\.windowMs/],
    [{ maxEntries: 1.5 }, RangeError, /callDeduplication\.maxEntries/],
    [{ maxEntrys: 5 }, TypeError, /maxEntrys/],
    ["on", TypeError, /callDeduplication/],
  ])("refuses callDeduplication %j", (value, type, message) => {
    const make = () => new OCPPServer({ callDeduplication: value as never });
    expect(make).toThrow(type);
    expect(make).toThrow(message);
  });
});
