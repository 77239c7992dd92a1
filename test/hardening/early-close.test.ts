import { afterEach, describe, expect, it } from "vitest";
import { OCPPClient } from "../../src/index.js";
import { closeRawCsms, frame, rawCsms } from "./raw-wire.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function station(protocol: string, after: Buffer, hangUp: boolean, strictMode: boolean) {
  const csms = await rawCsms(protocol, after, hangUp ? "hang-up" : "read");
  cleanups.push(() => closeRawCsms(csms));
  const client = new OCPPClient({
    endpoint: csms.url,
    identity: "CP-EARLY",
    protocols: [protocol],
    reconnect: false,
    strictMode,
  });
  cleanups.push(() => client.close({ force: true }));
  return client;
}

const closeFrame1002 = frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xea]) });

// The server ends the connection in the very packet of its 101: the client must still see
// it, including in strict mode, where it awaits the schemas between 'open' and listening
// (each strict case uses a subprotocol whose schemas this process has not loaded yet).
describe("a connection that ends right after the 101 is noticed", () => {
  it.each([
    ["close frame 1002, strict mode", "ocpp1.6", closeFrame1002, false, true, 1002],
    ["TCP drop, strict mode", "ocpp2.0.1", Buffer.alloc(0), true, true, 1006],
    ["close frame 1002", "ocpp1.6", closeFrame1002, false, false, 1002],
    ["TCP drop", "ocpp1.6", Buffer.alloc(0), true, false, 1006],
  ])("%s", async (_name, protocol, after, hangUp, strictMode, code) => {
    const client = await station(protocol, after, hangUp, strictMode);
    const disconnect = new Promise<{ code: number }>((r) => client.once("disconnect", r));
    const closed = new Promise<{ code: number }>((r) => client.once("close", r));
    await client.connect();
    expect((await disconnect).code).toBe(code);
    expect((await closed).code).toBe(code);
    expect(client.state).toBe(3);
  });
});

describe("frames that arrive before the engine listens", () => {
  it("are all delivered in order, also beyond the hold limit (reading pauses, then resumes)", async () => {
    const count = 3000;
    const data = "d".repeat(1024);
    const calls: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      calls.push(
        frame({ payload: JSON.stringify([2, `c${i}`, "DataTransfer", { vendorId: "v", data }]) }),
      );
    }
    // 3 MiB in the packets of the 101, while strict mode loads the 2.1 schemas.
    const client = await station("ocpp2.1", Buffer.concat(calls), false, true);
    client.handle("DataTransfer", () => ({ status: "Accepted" }));
    const ids: string[] = [];
    const all = new Promise<void>((resolve) =>
      client.on("message", ({ message, outbound }) => {
        if (outbound) return;
        ids.push((JSON.parse(message) as [number, string])[1]);
        if (ids.length === count) resolve();
      }),
    );
    await client.connect();
    await all;
    expect(ids).toEqual(calls.map((_, i) => `c${i}`));
    expect(client.state).toBe(1);
  });
});
