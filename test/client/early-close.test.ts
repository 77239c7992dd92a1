/**
 * A connection the server drops between the socket opening and the engine listening (the
 * client is still loading strict mode's schemas) must still reach the client as a close, not
 * leave it open on a dead socket.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionState } from "../../src/index.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

describe("OCPPClient, server drops the socket while strict mode loads", () => {
  it("emits 'close' (1006) and ends CLOSED", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp2.1"] });
    server.on("client", (peer) => void peer.close({ force: true }));
    // The first strict connection of this process: the 2.1 schemas load after the socket opens.
    const client = peers.client({
      endpoint: url,
      identity: "CP-EARLY",
      protocols: ["ocpp2.1"],
      strictMode: true,
    });
    const closed = waitFor<{ code: number }>(client, "close");
    await client.connect();
    expect((await closed).code).toBe(1006);
    expect(client.state).toBe(ConnectionState.CLOSED);
  });
});
