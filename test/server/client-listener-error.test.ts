import { afterEach, describe, expect, it } from "vitest";
import { Peers } from "../helpers/peers.js";
import { waitFor } from "../helpers/events.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

describe("OCPPServer 'client' event", () => {
  it("reports a throwing 'client' listener as 'error' and keeps the connection serving", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    server.on("client", (client) => {
      client.handle("Heartbeat", () => ({ currentTime: "2026-01-01T00:00:00Z" }));
      throw new Error("listener bug");
    });
    const error = waitFor<Error>(server, "error");
    const peer = await peers.bareClient(url, "CP1", ["ocpp1.6"]);
    expect((await error).message).toBe("listener bug");
    peer.send([2, "h1", "Heartbeat", {}]);
    expect(await peer.nextJson()).toEqual([3, "h1", { currentTime: "2026-01-01T00:00:00Z" }]);
    expect(server.clients.size).toBe(1);
  });
});
