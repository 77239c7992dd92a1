// README "Security" — profile 1: Basic auth over ws://. The CSMS checks each station's
// password in auth(); a wrong password gets HTTP 401.
import { OCPPClient, OCPPServer, SecurityProfile, safeEqual } from "ocpp-ws-io";

const passwords = new Map([["CP001", "my-secret-password"]]);

const server = new OCPPServer({
  protocols: ["ocpp1.6"],
  securityProfile: SecurityProfile.BASIC_AUTH,
});
server.auth((accept, reject, handshake) => {
  const expected = passwords.get(handshake.identity);
  // safeEqual compares in constant time; handshake.password is a Buffer (may be binary).
  if (!expected || !safeEqual(handshake.password, expected)) {
    return reject(401, "Invalid credentials");
  }
  accept();
});
server.on("client", (client) => {
  console.log(`CSMS: ${client.identity} authenticated`);
  client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
});
const httpServer = await server.listen(0, "127.0.0.1");
const endpoint = `ws://127.0.0.1:${httpServer.address().port}`;

const station = (password) =>
  new OCPPClient({
    endpoint,
    identity: "CP001",
    protocols: ["ocpp1.6"],
    securityProfile: SecurityProfile.BASIC_AUTH,
    password,
    reconnect: false,
  });

const intruder = station("guessed");
await intruder.connect().catch((err) => console.log(`wrong password: HTTP ${err.statusCode}`));

const client = station("my-secret-password");
await client.connect();
const { currentTime } = await client.call("Heartbeat");
console.log(`station: heartbeat answered at ${currentTime}`);

await client.close();
await server.close();
