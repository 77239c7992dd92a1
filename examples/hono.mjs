// README "Hono": a Hono app on @hono/node-server; attachOcpp() hands the node server's
// WebSocket upgrades to an OCPPServer and makes its close() close both.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { OCPPClient, OCPPServer } from "ocpp-ws-io";
import { attachOcpp } from "ocpp-ws-io/hono";

const ocpp = new OCPPServer({ protocols: ["ocpp1.6"] });
ocpp.on("client", (client) => {
  console.log(`${client.identity} connected`);
  client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
});

const app = new Hono().get("/health", (c) => c.json({ stations: ocpp.clients.size }));

let server;
const { port } = await new Promise((listening) => {
  server = attachOcpp(serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, listening), ocpp);
});
console.log(`Hono + OCPP on port ${port}`);

const station = new OCPPClient({
  endpoint: `ws://127.0.0.1:${port}/ocpp`,
  identity: "CP001",
  protocols: ["ocpp1.6"],
  reconnect: false, // this example ends when the server closes
});
station.handle("TriggerMessage", ({ params }) => {
  console.log(`station: CSMS triggers ${params.requestedMessage}`);
  return { status: "Accepted" };
});
await station.connect();
const { currentTime } = await station.call("Heartbeat");
console.log(`station: CSMS time ${currentTime}`);
await ocpp.sendToClient("CP001", "ocpp1.6", "TriggerMessage", { requestedMessage: "Heartbeat" });

const health = await fetch(`http://127.0.0.1:${port}/health`).then((res) => res.json());
console.log("GET /health:", JSON.stringify(health));

station.on("close", ({ code }) => console.log(`station: closed by the CSMS (${code})`));
await new Promise((done) => server.close(done));
console.log("Hono + OCPP stopped");
