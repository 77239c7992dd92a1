/**
 * A server receives an upgrade request and a malformed frame in one TCP write, then serves
 * a real station. Prints "SERVED" when it survived. Argument: the scenario.
 */
import { OCPPClient, OCPPServer } from "../../../src/index.js";
import { clientText, closed, frame, rawConnect, upgradeRequest } from "../raw-wire.js";

const scenario = process.argv[2];
const server = new OCPPServer({ protocols: ["ocpp1.6"], maxPayloadBytes: 1000 });
const http = await server.listen(0, "127.0.0.1");
const port = (http.address() as { port: number }).port;

const offered: Record<string, string[] | undefined> = {
  "no-common-protocol": ["ocpp9.9"],
  "no-protocol": undefined,
  unmasked: ["ocpp1.6"],
  oversized: ["ocpp1.6"],
};
const bad =
  scenario === "oversized"
    ? frame({ payload: "x".repeat(2000), mask: true })
    : scenario === "unmasked"
      ? frame({ payload: '[2,"1","Heartbeat",{}]' })
      : Buffer.concat([clientText('[2,"1","Heartbeat",{}]'), frame({ payload: "unmasked" })]);
const socket = await rawConnect(port);
socket.resume();
socket.write(Buffer.concat([Buffer.from(upgradeRequest("/CP-BAD", offered[scenario!])), bad]));
await closed(socket);

const station = new OCPPClient({
  endpoint: `ws://127.0.0.1:${port}`,
  identity: "CP-GOOD",
  protocols: ["ocpp1.6"],
  reconnect: false,
});
server.on("client", (client) => client.handle("Heartbeat", () => ({ currentTime: "now" })));
await station.connect();
const answer: { currentTime?: string } = await station.call("Heartbeat", {});
await station.close();
await server.close({ force: true });
process.stdout.write(answer.currentTime === "now" ? "SERVED\n" : "WRONG\n");
