import { afterEach, describe, expect, it } from "vitest";
import type { HandshakeInfo, OCPPServerClient } from "../../src/index.js";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

// issue 9 item 15, seed 002: "ctx.handshake has .identity, .pathname, .headers"; the
// server-side client's handshake is the same thing, the raw request included.
describe("handshake fields", () => {
  it("auth() and client.handshake have the same fields, pathname and request included", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    let seen: HandshakeInfo | undefined;
    server.auth((ctx) => {
      seen = ctx.handshake;
      ctx.accept();
    });
    const accepted = new Promise<OCPPServerClient>((r) => server.once("client", r));
    const station = peers.client({
      endpoint: `${url}/ocpp/v16`,
      identity: "CP 7",
      protocols: ["ocpp1.6"],
      query: { a: "1" },
    });
    await station.connect();
    const client = await accepted;

    expect(seen!.pathname).toBe("/ocpp/v16/CP%207");
    expect(seen!.endpoint).toBe("/ocpp/v16");
    expect(seen!.identity).toBe("CP 7");
    const kept = client.handshake;
    expect(kept.pathname).toBe(seen!.pathname);
    expect(kept.request).toBe(seen!.request);
    expect(kept.request.url).toBe("/ocpp/v16/CP%207?a=1");
    expect(kept.query.get("a")).toBe("1");
    for (const key of Object.keys(seen!)) {
      expect(kept[key as keyof HandshakeInfo], key).toEqual(seen![key as keyof HandshakeInfo]);
    }
    // The same type both ways (a compile error otherwise).
    const asInfo: HandshakeInfo = client.handshake;
    const asKept: typeof client.handshake = seen!;
    expect(asInfo).toBe(kept);
    expect(asKept).toBe(seen);
  });
});
