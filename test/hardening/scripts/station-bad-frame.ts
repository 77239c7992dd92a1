/**
 * A station gets the 101 and a malformed frame in one TCP write. Prints "CLOSED <error code>"
 * when it survived, reported the socket error and closed. Argument: the scenario.
 */
import { OCPPClient } from "../../../src/index.js";
import { closeRawCsms, frame, rawCsms } from "../raw-wire.js";

const scenario = process.argv[2];
const bad =
  scenario === "oversized"
    ? frame({ payload: "x".repeat(2000) })
    : scenario === "invalid-utf8"
      ? frame({ payload: Buffer.from([0x5b, 0xff, 0xfe, 0x5d]) })
      : frame({ payload: '[2,"1","Heartbeat",{}]', rsv1: true });
const csms = await rawCsms("ocpp1.6", bad);
const station = new OCPPClient({
  endpoint: csms.url,
  identity: "CP-1",
  protocols: ["ocpp1.6"],
  reconnect: false,
  maxPayloadBytes: 1000,
  strictMode: process.argv[3] === "strict",
});
let errorCode: string | undefined;
station.on("socketError", (err: Error & { code?: string }) => (errorCode = err.code));
const closedEvent = new Promise((resolve) => station.once("close", resolve));
await station.connect().catch(() => undefined);
await closedEvent;
await closeRawCsms(csms);
process.stdout.write(`CLOSED ${errorCode}\n`);
