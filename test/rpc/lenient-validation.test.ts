import { afterEach, describe, expect, it } from "vitest";
import type { OCPPServerClient } from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { nextEvent } from "./wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

const INVALID_BOOT = { chargePointVendor: "V" }; // chargePointModel missing

async function serverWithBareClient(
  serverOptions: Parameters<Peers["server"]>[0],
  accept?: (ctx: { accept: (o?: unknown) => void }) => void,
) {
  const { server, url } = await peers.server(serverOptions);
  if (accept) server.auth((ctx) => accept(ctx as never));
  const connected = new Promise<OCPPServerClient>((resolve) => server.on("client", resolve));
  const peer = await peers.bareClient(url, "CP1", ["ocpp1.6"]);
  const client = await connected;
  const handled: unknown[] = [];
  client.handle("BootNotification", ({ params }) => {
    handled.push(params);
    return { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 };
  });
  return { client, peer, handled };
}

describe("lenientValidation", () => {
  it("reports an invalid inbound call through strictValidationFailure and still handles it", async () => {
    const { client, peer, handled } = await serverWithBareClient({
      protocols: ["ocpp1.6"],
      strictMode: true,
      lenientValidation: true,
    });
    const failure = nextEvent(client, "strictValidationFailure");
    peer.send([2, "b1", "BootNotification", INVALID_BOOT]);
    const [event] = await failure;
    expect(event.error.rpcErrorCode).toBe("OccurrenceConstraintViolation");
    expect(event).toMatchObject({ messageId: "b1", outbound: false, isCall: true });
    const answer = await peer.nextJson();
    expect(answer[0]).toBe(3);
    expect(answer[1]).toBe("b1");
    expect(handled).toEqual([INVALID_BOOT]);
  });

  it("applies only to the listed subprotocols", async () => {
    const { peer, handled } = await serverWithBareClient({
      protocols: ["ocpp1.6"],
      strictMode: true,
      lenientValidation: ["ocpp2.0.1"],
    });
    peer.send([2, "b1", "BootNotification", INVALID_BOOT]);
    expect(await peer.nextJson()).toEqual([
      4,
      "b1",
      "OccurenceConstraintViolation",
      expect.any(String),
      expect.any(Object),
    ]);
    expect(handled).toEqual([]);
  });

  it("can be switched on for one connection from auth()", async () => {
    const { peer, handled } = await serverWithBareClient(
      { protocols: ["ocpp1.6"], strictMode: true },
      (ctx) => ctx.accept({ options: { lenientValidation: true } }),
    );
    peer.send([2, "b1", "BootNotification", INVALID_BOOT]);
    const answer = await peer.nextJson();
    expect(answer.slice(0, 2)).toEqual([3, "b1"]);
    expect(handled).toEqual([INVALID_BOOT]);
  });

  it("rejects a bad per-connection option inside auth() with a TypeError", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const thrown = new Promise<unknown>((resolve) =>
      server.auth((ctx) => {
        try {
          ctx.accept({ options: { callTimeoutMs: "soon" as never } });
        } catch (err) {
          resolve(err);
          ctx.reject(400, "bad options");
        }
      }),
    );
    const refused = peers.bareClient(url, "CP1", ["ocpp1.6"]).catch((err: unknown) => err);
    expect(await thrown).toBeInstanceOf(TypeError);
    expect(await refused).toBeInstanceOf(Error);
  });
});
