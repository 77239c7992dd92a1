// README "Quick start": the charging station (OCPPClient). A minimal CSMS is started first so
// the station has someone to talk to. Run: `npm run build && node examples/station-quick-start.mjs`.
import { OCPPClient, OCPPServer } from "ocpp-ws-io";

// ---- a CSMS to talk to (see csms-quick-start.mjs) --------------------------------------
const csms = new OCPPServer({ protocols: ["ocpp1.6"] });
let configured;
csms.on("client", (client) => {
  client.handle("BootNotification", () => ({
    status: "Accepted",
    currentTime: new Date().toISOString(),
    interval: 300,
  }));
  client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
  configured = client
    .call("GetConfiguration", { key: ["HeartbeatInterval"] })
    .then((res) => console.log("CSMS got configuration:", JSON.stringify(res.configurationKey)))
    .catch((err) => console.error("GetConfiguration failed:", err.message));
});
const httpServer = await csms.listen(0, "127.0.0.1");

// ---- the station -------------------------------------------------------------------------
const client = new OCPPClient({
  endpoint: `ws://127.0.0.1:${httpServer.address().port}`,
  identity: "CP001",
  protocols: ["ocpp1.6"],
});

// Calls from the CSMS: handle the ones a charge point must answer.
client.handle("GetConfiguration", ({ params }) => ({
  configurationKey: (params.key ?? []).map((key) => ({ key, readonly: true, value: "300" })),
}));

await client.connect();
console.log(`connected to ${client.protocol} CSMS`);

const boot = await client.call("BootNotification", {
  chargePointVendor: "VendorX",
  chargePointModel: "ModelY",
});
console.log(`boot ${boot.status}, heartbeat every ${boot.interval} s`);

const { currentTime } = await client.call("Heartbeat");
console.log("CSMS time:", currentTime);

await configured; // the CSMS's GetConfiguration, answered above
await client.close();
await csms.close();
console.log("station stopped");
