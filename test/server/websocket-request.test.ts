import { afterEach, describe, expect, it } from "vitest";
import type { SecurityEvent } from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { rawUpgrade } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

describe("OCPPServer upgrade: RFC 6455 request checks", () => {
  it.each([
    ["a malformed Sec-WebSocket-Key", { "Sec-WebSocket-Key": "not-a-key" }, 400],
    ["an unsupported Sec-WebSocket-Version", { "Sec-WebSocket-Version": "12" }, 400],
  ])("refuses %s before auth() with one securityEvent", async (_what, headers, status) => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"] });
    let authCalls = 0;
    server.auth((accept) => {
      authCalls++;
      accept();
    });
    const events: SecurityEvent[] = [];
    server.on("securityEvent", (event) => events.push(event));
    const outcome = await rawUpgrade(port, "/CP1", { protocols: ["ocpp1.6"], headers });
    expect(outcome.status).toBe(status);
    expect(authCalls).toBe(0);
    expect(events.map((e) => e.type)).toEqual(["UPGRADE_ABORTED"]);
    expect(server.clients.size).toBe(0);
  });
});
