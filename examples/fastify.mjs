// README "Fastify": the ocpp-ws-io/fastify plugin puts an OCPPServer on the app's own server
// as `app.ocpp`; app.close() closes it; its errors go to Fastify's logger.
import Fastify from "fastify";
import { OCPPClient } from "ocpp-ws-io";
import { ocppPlugin } from "ocpp-ws-io/fastify";

const app = Fastify({ logger: { level: "warn" } });
await app.register(ocppPlugin, { protocols: ["ocpp2.0.1"] });

app.ocpp.on("client", (client) => {
  console.log(`${client.identity} connected`);
  client.handle("BootNotification", () => ({
    status: "Accepted",
    currentTime: new Date().toISOString(),
    interval: 300,
  }));
});
app.get("/health", async () => ({ stations: app.ocpp.clients.size }));

const url = await app.listen({ port: 0, host: "127.0.0.1" });
console.log(`Fastify + OCPP on ${url}`);

const station = new OCPPClient({
  endpoint: `${url.replace("http", "ws")}/ocpp`,
  identity: "CS-201",
  protocols: ["ocpp2.0.1"],
  reconnect: false, // this example ends when the app closes
});
station.handle("GetVariables", ({ params }) => ({
  getVariableResult: params.getVariableData.map(({ component, variable }) => ({
    attributeStatus: "Accepted",
    attributeValue: "300",
    component,
    variable,
  })),
}));
await station.connect();
const boot = await station.call("BootNotification", {
  reason: "PowerUp",
  chargingStation: { vendorName: "VendorX", model: "ModelY" },
});
console.log(`station: boot ${boot.status}`);
const vars = await app.ocpp.sendToClient("CS-201", "ocpp2.0.1", "GetVariables", {
  getVariableData: [
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
  ],
});
console.log(`CSMS: HeartbeatInterval = ${vars.getVariableResult[0].attributeValue}`);

const health = await app.inject({ url: "/health" });
console.log("GET /health:", health.body);

station.on("close", ({ code }) => console.log(`station: closed by the CSMS (${code})`));
await app.close();
console.log("Fastify + OCPP stopped");
