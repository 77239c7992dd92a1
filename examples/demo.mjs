// A CSMS on 127.0.0.1 and a few simulated charging stations exchanging real OCPP traffic.
// Run with `npm start`. Ends by itself after the exchange, or on Ctrl-C.
import { OCPPClient, OCPPServer, SecurityProfile, safeEqual } from "../dist/index.js";

const STATIONS = [
  { identity: "CP-001", protocol: "ocpp1.6", password: "cp-001-secret-key" },
  { identity: "CP-002", protocol: "ocpp1.6", password: "cp-002-secret-key" },
  { identity: "CS-201", protocol: "ocpp2.0.1", password: "cs-201-secret-key" },
];
const passwords = new Map(STATIONS.map((s) => [s.identity, s.password]));
const log = (who, text) =>
  console.log(`${new Date().toISOString().slice(11, 23)} ${who.padEnd(7)} ${text}`);
// The library logs lifecycle events at "info" as JSON lines (pino) by default. This demo
// prints its own lines, so it keeps the library's to warnings and errors, human-readable.
const logging = { level: "warn", prettify: true };

// ---- the CSMS -------------------------------------------------------------------
const server = new OCPPServer({
  protocols: ["ocpp2.0.1", "ocpp1.6"],
  securityProfile: SecurityProfile.BASIC_AUTH,
  strictMode: true,
  logging,
});

server.auth((accept, reject, handshake) => {
  const expected = passwords.get(handshake.identity);
  if (!expected || !safeEqual(handshake.password, expected)) {
    log("CSMS", `refused ${handshake.identity}`);
    return reject(401, "Unknown station or wrong password");
  }
  accept({ session: { since: Date.now() } });
});

server.on("client", (client) => {
  log("CSMS", `${client.identity} connected (${client.protocol})`);

  client.handle("BootNotification", ({ params }) => {
    const model = params.chargePointModel ?? params.chargingStation?.model;
    log("CSMS", `BootNotification from ${client.identity}: ${model}`);
    return { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 };
  });
  client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
  client.handle("StatusNotification", ({ params }) => {
    log(
      "CSMS",
      `${client.identity} connector ${params.connectorId} is ${params.status ?? params.connectorStatus}`,
    );
    return {};
  });

  client.on("close", ({ code }) => log("CSMS", `${client.identity} disconnected (${code})`));
});

const http = await server.listen(0, "127.0.0.1");
const url = `ws://127.0.0.1:${http.address().port}/ocpp`;
log("CSMS", `listening on ${url}`);

// ---- the stations ---------------------------------------------------------------
async function runStation({ identity, protocol, password }) {
  const client = new OCPPClient({
    endpoint: url,
    identity,
    protocols: [protocol],
    securityProfile: SecurityProfile.BASIC_AUTH,
    password,
    strictMode: true,
    logging,
  });
  client.handle(protocol === "ocpp1.6" ? "GetConfiguration" : "GetVariables", ({ params }) => {
    log(identity, `CSMS asked for ${JSON.stringify(params)}`);
    return protocol === "ocpp1.6"
      ? { configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "300" }] }
      : {
          getVariableResult: params.getVariableData.map((d) => ({
            attributeStatus: "Accepted",
            attributeValue: "300",
            component: d.component,
            variable: d.variable,
          })),
        };
  });

  await client.connect();
  const boot =
    protocol === "ocpp1.6"
      ? await client.call("BootNotification", {
          chargePointVendor: "Demo",
          chargePointModel: "Wallbox 1.6",
        })
      : await client.call("BootNotification", {
          reason: "PowerUp",
          chargingStation: { vendorName: "Demo", model: "Wallbox 2.0.1" },
        });
  log(identity, `boot ${boot.status}, heartbeat every ${boot.interval} s`);

  const beat = await client.call("Heartbeat", {});
  log(identity, `server time ${beat.currentTime}`);

  if (protocol === "ocpp1.6") {
    await client.call("StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Available",
    });
  } else {
    await client.call("StatusNotification", {
      timestamp: new Date().toISOString(),
      connectorStatus: "Available",
      evseId: 1,
      connectorId: 1,
    });
  }
  return client;
}

// A station with the wrong password is refused at the HTTP upgrade.
const intruder = new OCPPClient({
  endpoint: url,
  identity: "CP-001",
  protocols: ["ocpp1.6"],
  password: "guessed-password",
  reconnect: false,
  logging,
});
await intruder.connect().catch((err) => log("CP-001?", `refused: HTTP ${err.statusCode}`));

const clients = await Promise.all(STATIONS.map(runStation));

// Server-initiated calls, typed by the negotiated protocol.
for (const client of server.clients) {
  if (client.protocol === "ocpp1.6") {
    const res = await client.call("ocpp1.6", "GetConfiguration", { key: ["HeartbeatInterval"] });
    log("CSMS", `${client.identity} HeartbeatInterval = ${res.configurationKey?.[0]?.value}`);
  } else {
    const res = await client.call("ocpp2.0.1", "GetVariables", {
      getVariableData: [
        { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
      ],
    });
    log(
      "CSMS",
      `${client.identity} HeartbeatInterval = ${res.getVariableResult[0].attributeValue}`,
    );
  }
}

async function shutdown() {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  log("CSMS", "stopped");
}
process.once("SIGINT", () => void shutdown().then(() => process.exit(130)));
await shutdown();
