// README "Express": an Express 5 app and an OCPPServer on one port. Routes answer HTTP,
// the OCPP server takes the WebSocket upgrades; server.close() closes both.
import express from "express";
import { OCPPClient, OCPPServer } from "ocpp-ws-io";
import { createOcppHttpServer } from "ocpp-ws-io/express";

const ocpp = new OCPPServer({ protocols: ["ocpp1.6"] });
ocpp.on("client", (client) => {
  console.log(`${client.identity} connected`);
  client.handle("BootNotification", () => ({
    status: "Accepted",
    currentTime: new Date().toISOString(),
    interval: 300,
  }));
});

const app = express();
app.get("/health", (_req, res) => {
  res.json({ stations: ocpp.clients.size });
});

const server = createOcppHttpServer(app, ocpp);
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address();
console.log(`Express + OCPP on port ${port}`);

// A station on the same port as the routes.
const station = new OCPPClient({
  endpoint: `ws://127.0.0.1:${port}/ocpp`,
  identity: "CP001",
  protocols: ["ocpp1.6"],
  reconnect: false, // this example ends when the server closes
});
station.handle("Reset", () => ({ status: "Accepted" }));
await station.connect();
const boot = await station.call("BootNotification", {
  chargePointVendor: "VendorX",
  chargePointModel: "ModelY",
});
console.log(`station: boot ${boot.status}`);
const reset = await ocpp.sendToClient("CP001", "ocpp1.6", "Reset", { type: "Soft" });
console.log(`CSMS: Reset ${reset.status}`);

const health = await fetch(`http://127.0.0.1:${port}/health`).then((res) => res.json());
console.log("GET /health:", JSON.stringify(health));

station.on("close", ({ code }) => console.log(`station: closed by the CSMS (${code})`));
await new Promise((resolve) => server.close(resolve));
console.log("Express + OCPP stopped");
