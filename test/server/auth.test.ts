import { afterEach, describe, expect, it } from "vitest";
import {
  UnexpectedHttpResponse,
  type AuthContext,
  type OCPPServerClient,
  type UpgradeAbortedEvent,
  type UpgradeErrorEvent,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { rawUpgrade, waitFor } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

async function sessionOf(
  setup: (server: Awaited<ReturnType<Peers["server"]>>["server"]) => void,
): Promise<OCPPServerClient> {
  const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
  setup(server);
  const connected = waitFor<OCPPServerClient>(server, "client");
  await peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] }).connect();
  return connected;
}

describe("OCPPServer#auth, the (accept, reject, handshake, signal) form", () => {
  it("accept({ session }) attaches the session", async () => {
    const client = await sessionOf((s) => s.auth((accept) => accept({ session: { userId: 123 } })));
    expect(client.session).toEqual({ userId: 123 });
  });

  it("accept(sessionObject), as in ocpp-rpc, attaches that object as the session", async () => {
    const client = await sessionOf((s) =>
      s.auth((accept) => accept({ sessionId: "XYZ123", tenant: 4 })),
    );
    expect(client.session).toEqual({ sessionId: "XYZ123", tenant: 4 });
  });

  it("passes the handshake and an unaborted signal", async () => {
    let seen: { identity: string; aborted: boolean } | undefined;
    await sessionOf((s) =>
      s.auth((accept, _reject, handshake, signal) => {
        seen = { identity: handshake.identity, aborted: signal.aborted };
        accept();
      }),
    );
    expect(seen).toEqual({ identity: "CP001", aborted: false });
  });

  it("accepts after awaiting something (async auth)", async () => {
    const client = await sessionOf((s) =>
      s.auth(async (accept, _reject, handshake) => {
        const record = await new Promise<{ id: string }>((resolve) =>
          setTimeout(() => resolve({ id: handshake.identity }), 20),
        );
        accept({ session: { record } });
      }),
    );
    expect(client.session).toEqual({ record: { id: "CP001" } });
  });

  it("ignores a second decision: the first one wins", async () => {
    const client = await sessionOf((s) =>
      s.auth((accept, reject) => {
        accept({ session: { first: true } });
        reject(401);
        accept({ session: { second: true } });
      }),
    );
    expect(client.session).toEqual({ first: true });
  });
});

describe("OCPPServer#auth, the (ctx) form", () => {
  it("ctx.accept({ session }) attaches the session and ctx.handshake is the handshake", async () => {
    let identity: string | undefined;
    const client = await sessionOf((s) =>
      s.auth((ctx: AuthContext) => {
        identity = ctx.handshake.identity;
        expect(ctx.signal.aborted).toBe(false);
        ctx.accept({ session: { via: "ctx" } });
      }),
    );
    expect(identity).toBe("CP001");
    expect(client.session).toEqual({ via: "ctx" });
  });

  it("ctx.reject(403, 'no') refuses with 403 and that body", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"] });
    server.auth((ctx: AuthContext) => ctx.reject(403, "no"));
    const outcome = await rawUpgrade(port, "/CP001", { protocols: ["ocpp1.6"] });
    expect(outcome.status).toBe(403);
    expect(outcome.body).toBe("no");
  });
});

describe("OCPPServer#auth refusals", () => {
  it("reject(code, message) answers that HTTP status with the message as body", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"] });
    server.auth((_accept, reject) => reject(401, "Not authorized"));
    const outcome = await rawUpgrade(port, "/CP001", { protocols: ["ocpp1.6"] });
    expect(outcome.status).toBe(401);
    expect(outcome.body).toBe("Not authorized");
  });

  it("reject() without arguments answers 404 (unknown identity, J16 §3.2)", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"] });
    server.auth((_accept, reject) => reject());
    expect((await rawUpgrade(port, "/CP001", { protocols: ["ocpp1.6"] })).status).toBe(404);
  });

  it("a refused OCPPClient sees UnexpectedHttpResponse with the status, and 'upgradeAborted' fires", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    server.auth((_accept, reject) => reject(401, "Invalid credentials"));
    const aborted = waitFor<UpgradeAbortedEvent>(server, "upgradeAborted");
    const client = peers.client({ endpoint: url, identity: "BLOCKED", protocols: ["ocpp1.6"] });
    const err = await client.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedHttpResponse);
    expect((err as UnexpectedHttpResponse).statusCode).toBe(401);
    const event = await aborted;
    expect(event.error.code).toBe(401);
    expect(event.identity).toBe("BLOCKED");
    expect(server.clients.size).toBe(0);
  });

  it("an auth callback that throws gives 500 and 'upgradeError' with the error", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"] });
    const boom = new Error("database down");
    server.auth(() => {
      throw boom;
    });
    const upgradeError = waitFor<UpgradeErrorEvent>(server, "upgradeError");
    const outcome = await rawUpgrade(port, "/CP001", { protocols: ["ocpp1.6"] });
    expect(outcome.status).toBe(500);
    expect((await upgradeError).error).toBe(boom);
  });

  it("an async auth callback that rejects gives 500 and 'upgradeError'", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"] });
    server.auth(async () => {
      await Promise.resolve();
      throw new Error("async failure");
    });
    const upgradeError = waitFor<UpgradeErrorEvent>(server, "upgradeError");
    expect((await rawUpgrade(port, "/CP001", { protocols: ["ocpp1.6"] })).status).toBe(500);
    expect((await upgradeError).error.message).toBe("async failure");
  });

  it("keeps serving other stations after an auth failure", async () => {
    const { server, port, url } = await peers.server({ protocols: ["ocpp1.6"] });
    server.auth((accept, _reject, handshake) => {
      if (handshake.identity === "BAD") throw new Error("nope");
      accept();
    });
    server.on("upgradeError", () => undefined);
    expect((await rawUpgrade(port, "/BAD", { protocols: ["ocpp1.6"] })).status).toBe(500);
    await expect(
      peers.client({ endpoint: url, identity: "GOOD", protocols: ["ocpp1.6"] }).connect(),
    ).resolves.toBeDefined();
  });

  it("aborts the signal and emits 'upgradeAborted' when the station disconnects during a slow auth", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"] });
    let signal: AbortSignal | undefined;
    const authCalled = new Promise<void>((resolve) =>
      server.auth((_accept, _reject, _handshake, s) => {
        signal = s;
        resolve();
      }),
    );
    const aborted = waitFor<UpgradeAbortedEvent>(server, "upgradeAborted", 3000);
    aborted.catch(() => undefined);
    let cut: (() => void) | undefined;
    const outcome = rawUpgrade(port, "/SLOW", {
      protocols: ["ocpp1.6"],
      onSocket: (socket) => (cut = () => socket.destroy()),
    }).catch((e: unknown) => e);
    await authCalled;
    const abortEvent = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("signal not aborted within 2000 ms")), 2000);
      signal!.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });
    cut!();
    await abortEvent;
    expect(signal!.aborted).toBe(true);
    const event = await aborted;
    expect(event.identity).toBe("SLOW");
    expect(signal!.reason).toBe(event.error);
    expect(await outcome).toBeInstanceOf(Error);
    expect(server.clients.size).toBe(0);
  });

  it("answers 408 and emits 'upgradeAborted' when auth does not decide within handshakeTimeoutMs", async () => {
    const { server, port } = await peers.server({
      protocols: ["ocpp1.6"],
      handshakeTimeoutMs: 200,
    });
    let signal: AbortSignal | undefined;
    server.auth((_a, _r, _h, s) => {
      signal = s;
    });
    const aborted = waitFor<UpgradeAbortedEvent>(server, "upgradeAborted");
    const started = Date.now();
    const outcome = await rawUpgrade(port, "/NEVER", { protocols: ["ocpp1.6"] });
    expect(outcome.status).toBe(408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect((await aborted).error.code).toBe(408);
    expect(signal?.aborted).toBe(true);
  });

  it("ignores an accept() that comes after the handshake timed out", async () => {
    const { server, port } = await peers.server({
      protocols: ["ocpp1.6"],
      handshakeTimeoutMs: 100,
    });
    let late: (() => void) | undefined;
    server.auth((accept) => {
      late = () => accept();
    });
    let clients = 0;
    server.on("client", () => clients++);
    expect((await rawUpgrade(port, "/LATE", { protocols: ["ocpp1.6"] })).status).toBe(408);
    late!();
    expect(clients).toBe(0);
  });

  it("auth(non-function) throws a TypeError", async () => {
    const { server } = await peers.server();
    expect(() => server.auth("nope" as unknown as () => void)).toThrow(TypeError);
  });
});
