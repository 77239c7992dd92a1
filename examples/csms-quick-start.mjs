// README "Quick start": the CSMS (OCPPServer). One station connects to show both directions,
// then everything closes. Run: `npm run build && node examples/csms-quick-start.mjs`.
import { OCPPClient, OCPPServer } from "ocpp-ws-io";

const server = new OCPPServer({ protocols: ["ocpp1.6"] });

// Optional: decide who may connect. Without auth(), every station offering ocpp1.6 is accepted.
server.auth((accept, reject, handshake) => {
  if (handshake.identity === "BLOCKED") return reject(401, "Not authorized");
  accept({ session: { connectedAt: Date.now() } });
});

const configured = new Promise((resolve) => {
  server.on("client", (client) => {
    console.log(`${client.identity} connected with ${client.protocol}`);

    client.handle("BootNotification", ({ params }) => {
      console.log(`${client.identity} is a ${params.chargePointVendor} ${params.chargePointModel}`);
      return { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 };
    });
    client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));

    // Calls go the other way too: the CSMS asks the station for its configuration.
    client
      .call("GetConfiguration", { key: ["HeartbeatInterval"] })
      .then((res) => console.log("configuration:", JSON.stringify(res.configurationKey)))
      .catch((err) => console.error("GetConfiguration failed:", err.message))
      .finally(resolve);

    client.on("close", ({ code }) => console.log(`${client.identity} disconnected (${code})`));
  });
});

const httpServer = await server.listen(0, "127.0.0.1");
const url = `ws://127.0.0.1:${httpServer.address().port}`;
console.log(`CSMS listening on ${url}`);

// ---- a station to talk to (see station-quick-start.mjs) --------------------------------
const station = new OCPPClient({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
station.handle("GetConfiguration", ({ params }) => ({
  configurationKey: (params.key ?? []).map((key) => ({ key, readonly: true, value: "300" })),
}));
await station.connect();
await station.call("BootNotification", {
  chargePointVendor: "VendorX",
  chargePointModel: "ModelY",
});
await configured;

const blocked = new OCPPClient({
  endpoint: url,
  identity: "BLOCKED",
  protocols: ["ocpp1.6"],
  reconnect: false,
});
await blocked.connect().catch((err) => console.log(`BLOCKED refused: HTTP ${err.statusCode}`));

await station.close();
await server.close();
console.log("CSMS stopped");
