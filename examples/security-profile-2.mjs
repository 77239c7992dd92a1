// README "Security" — profile 2: TLS + Basic auth over wss://. The certificates are made for
// this run by examples/certs.mjs (openssl); a real CSMS has its own.
import fs from "node:fs";
import { OCPPClient, OCPPServer, SecurityProfile, safeEqual } from "ocpp-ws-io";
import { makeCerts } from "./certs.mjs";

const certs = makeCerts();

const server = new OCPPServer({
  protocols: ["ocpp2.0.1"],
  securityProfile: SecurityProfile.TLS_BASIC_AUTH,
  tls: {
    cert: fs.readFileSync(certs.serverCert),
    key: fs.readFileSync(certs.serverKey),
  },
});
server.auth((accept, reject, handshake) => {
  if (!safeEqual(handshake.password, "my-secret-password")) {
    return reject(401, "Invalid credentials");
  }
  accept();
});
server.on("client", (client) => {
  console.log(`CSMS: ${client.identity} connected over TLS with ${client.protocol}`);
  client.handle("BootNotification", () => ({
    status: "Accepted",
    currentTime: new Date().toISOString(),
    interval: 300,
  }));
});
// listen() creates an HTTPS server for profiles 2 and 3.
const httpsServer = await server.listen(0, "127.0.0.1");

const client = new OCPPClient({
  endpoint: `wss://127.0.0.1:${httpsServer.address().port}`,
  identity: "CP001",
  protocols: ["ocpp2.0.1"],
  securityProfile: SecurityProfile.TLS_BASIC_AUTH,
  password: "my-secret-password",
  tls: {
    ca: fs.readFileSync(certs.ca),
    rejectUnauthorized: true,
  },
});
await client.connect();
const boot = await client.call("BootNotification", {
  reason: "PowerUp",
  chargingStation: { vendorName: "VendorX", model: "ModelY" },
});
console.log(`station: boot ${boot.status}`);

await client.close();
await server.close();
