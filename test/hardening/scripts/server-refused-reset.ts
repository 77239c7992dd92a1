/**
 * Stations that reset the connection (RST) as soon as the server's refusal of their upgrade
 * starts to arrive: the server's socket then fails with ECONNRESET after the HTTP server has
 * handed it over. Prints "SERVED" when the server survived and still serves a station.
 */
import { once } from "node:events";
import { OCPPClient, OCPPServer } from "../../../src/index.js";
import { closed, rawConnect, upgradeRequest } from "../raw-wire.js";

const server = new OCPPServer({ protocols: ["ocpp1.6"] });
server.auth((ctx) => {
  setImmediate(() => ctx.reject(403, "x".repeat(512 * 1024)));
});
const http = await server.listen(0, "127.0.0.1");
const port = (http.address() as { port: number }).port;

for (let i = 0; i < 20; i++) {
  const socket = await rawConnect(port);
  socket.write(upgradeRequest(`/CP-${i}`, ["ocpp1.6"]));
  await once(socket, "data");
  socket.resetAndDestroy();
  await closed(socket);
}

server.auth((ctx) => ctx.accept());
server.on("client", (client) => client.handle("Heartbeat", () => ({ currentTime: "now" })));
const station = new OCPPClient({
  endpoint: `ws://127.0.0.1:${port}`,
  identity: "CP-GOOD",
  protocols: ["ocpp1.6"],
  reconnect: false,
});
await station.connect();
const answer: { currentTime?: string } = await station.call("Heartbeat", {});
await station.close();
await server.close({ force: true });
process.stdout.write(answer.currentTime === "now" ? "SERVED\n" : "WRONG\n");
