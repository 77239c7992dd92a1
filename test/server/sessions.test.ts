import { afterEach, describe, expect, it } from "vitest";
import type { OCPPServer } from "../../src/index.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

/** Connects CP1 once, returns the session the server gave the connection, then closes it. */
async function connectOnce(server: OCPPServer, url: string, keepOpen = false) {
  const client = peers.client({ endpoint: url, identity: "CP1", protocols: ["ocpp1.6"] });
  const accepted = waitFor(server, "client");
  await client.connect();
  const serverClient = (await accepted) as { session: Record<string, unknown> };
  const session = { ...serverClient.session };
  if (!keepOpen) {
    const gone = waitFor(serverClient as never, "close");
    await client.close();
    await gone;
  }
  return session;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe("sessionTtlMs", () => {
  it("merges the kept session into the next connection's (new fields win)", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    let n = 0;
    server.auth((accept) => {
      n++;
      accept({ session: n === 1 ? { tariff: "A", seen: 1 } : { seen: 2 } });
    });
    expect(await connectOnce(server, url)).toEqual({ tariff: "A", seen: 1 });
    expect(server.stats().activeSessions).toBe(1);
    expect(await connectOnce(server, url, true)).toEqual({ tariff: "A", seen: 2 });
    expect(server.stats().activeSessions).toBe(1);
  });

  it("drops the session once the identity has been inactive for sessionTtlMs", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], sessionTtlMs: 30 });
    let n = 0;
    server.auth((accept) => {
      n++;
      accept({ session: n === 1 ? { tariff: "A" } : { seen: 2 } });
    });
    await connectOnce(server, url);
    expect(server.stats().activeSessions).toBe(1);
    await until(() => server.stats().activeSessions === 0);
    expect(await connectOnce(server, url)).toEqual({ seen: 2 });
  });

  it("refuses a bad sessionTtlMs by name", async () => {
    await expect(peers.server({ sessionTtlMs: -1 })).rejects.toThrow("option 'sessionTtlMs'");
  });
});
