/**
 * server.getLocalClient(identity): the OCPPServerClient connected to this process, never a
 * station held by another node of the cluster.
 */
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { InMemoryAdapter, InMemoryHub, OCPPServerClient } from "../../src/index.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

describe("OCPPServer#getLocalClient", () => {
  it("returns this node's client of a connected identity, undefined on the other node and after it leaves", async () => {
    const hub = new InMemoryHub();
    const { server: a, url: urlA } = await peers.server({ protocols: ["ocpp1.6"] });
    const { server: b } = await peers.server({ protocols: ["ocpp1.6"] });
    await a.setAdapter(new InMemoryAdapter(hub));
    await b.setAdapter(new InMemoryAdapter(hub));
    expect(a.getLocalClient("CP-1")).toBeUndefined();

    const station = peers.client({ endpoint: urlA, identity: "CP-1", protocols: ["ocpp1.6"] });
    const accepted = waitFor<OCPPServerClient>(a, "client");
    await station.connect();
    const serverSide = await accepted;

    const local = a.getLocalClient("CP-1");
    expectTypeOf(local).toEqualTypeOf<OCPPServerClient<string> | undefined>();
    expect(local).toBe(serverSide);
    expect(local).toBeInstanceOf(OCPPServerClient);
    expect(local?.identity).toBe("CP-1");
    // B routes calls to CP-1 through the adapter, but holds no client of it.
    station.handle("Reset", () => ({ status: "Accepted" }));
    await expect(b.sendToClient("CP-1", "Reset", { type: "Soft" })).resolves.toEqual({
      status: "Accepted",
    });
    expect(b.getLocalClient("CP-1")).toBeUndefined();

    const gone = waitFor(serverSide, "close");
    await station.close();
    await gone;
    expect(a.getLocalClient("CP-1")).toBeUndefined();
  });
});
