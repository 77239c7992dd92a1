import { afterEach, describe, expect, it } from "vitest";
import { RPCError } from "../../src/index.js";
import { getBuiltinValidator, loadBuiltinValidator } from "../../src/validation/index.js";
import { Peers } from "../helpers/peers.js";
import { clientAndBareServer, expectCallIsNextFrame } from "./wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

describe("strict mode schemas", () => {
  it("are not loaded while strict mode is off", async () => {
    const { client } = await clientAndBareServer(peers, {}, "ocpp2.0.1");
    expect(client.protocol).toBe("ocpp2.0.1");
    expect(getBuiltinValidator("ocpp2.0.1")).toBeUndefined();
  });

  it("never let a message through while they load after reconfigure() turns strict mode on", async () => {
    const { client, peer } = await clientAndBareServer(peers, {}, "ocpp2.1");
    expect(getBuiltinValidator("ocpp2.1")).toBeUndefined();
    client.reconfigure({ strictMode: true });
    const error = await client.call("Heartbeat", { unexpected: true } as never).catch((e) => e);
    expect(error).toBeInstanceOf(RPCError);
    await loadBuiltinValidator("ocpp2.1");
    // Nothing was sent for the refused call: the next frame is the next good call.
    await expectCallIsNextFrame(client, peer);
    const invalid = await client.call("Heartbeat", { unexpected: true } as never).catch((e) => e);
    expect((invalid as RPCError).rpcErrorCode).toBe("FormatViolation");
  });

  it("are loaded before the first connection opens when strict mode is on", async () => {
    const { client } = await clientAndBareServer(peers, { strictMode: true }, "ocpp1.6");
    expect(getBuiltinValidator("ocpp1.6")).toBeDefined();
    const error = await client.call("BootNotification", {} as never).catch((e) => e);
    expect((error as RPCError).rpcErrorCode).toBe("OccurrenceConstraintViolation");
  });
});
