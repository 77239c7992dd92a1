// README "Security" — profile 3: mutual TLS. The station proves its identity with a client
// certificate whose CN is its identity; the CSMS checks it in auth(). The certificates are
// made for this run by examples/certs.mjs (openssl).
import fs from "node:fs";
import { OCPPClient, OCPPServer, SecurityProfile } from "ocpp-ws-io";
import { makeCerts } from "./certs.mjs";

const certs = makeCerts("CP001");

const server = new OCPPServer({
  protocols: ["ocpp2.0.1"],
  securityProfile: SecurityProfile.TLS_CLIENT_CERT,
  tls: {
    cert: fs.readFileSync(certs.serverCert),
    key: fs.readFileSync(certs.serverKey),
    ca: fs.readFileSync(certs.ca),
  },
});
server.auth((accept, reject, handshake) => {
  const cert = handshake.clientCertificate;
  if (!cert || cert.subject?.CN !== handshake.identity) {
    return reject(401, "Certificate identity mismatch");
  }
  accept();
});
server.on("client", (client) => {
  const { subject, fingerprint256 } = client.handshake.clientCertificate;
  console.log(
    `CSMS: ${client.identity} presented CN=${subject.CN} (${fingerprint256.slice(0, 8)}…)`,
  );
  client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
});
const httpsServer = await server.listen(0, "127.0.0.1");

const station = (identity) =>
  new OCPPClient({
    endpoint: `wss://127.0.0.1:${httpsServer.address().port}`,
    identity,
    protocols: ["ocpp2.0.1"],
    securityProfile: SecurityProfile.TLS_CLIENT_CERT,
    reconnect: false,
    tls: {
      cert: fs.readFileSync(certs.clientCert),
      key: fs.readFileSync(certs.clientKey),
      ca: fs.readFileSync(certs.ca),
    },
  });

// The certificate says CP001: another identity with it is refused.
await station("CP999")
  .connect()
  .catch((err) => console.log(`CP999 with CP001's certificate: HTTP ${err.statusCode}`));

const client = station("CP001");
await client.connect();
await client.call("Heartbeat");
console.log("station: heartbeat answered");

await client.close();
await server.close();
