/**
 * A server and a station exchanging a few calls with the library's default log output on
 * stdout, then "DONE". Argument: "default", "off" (logging: false), "pretty" (the station
 * with pino-pretty) or "secrets" (security profile 2 with the PEMs in OCPP_TEST_* variables,
 * every level and the exchange log with payloads on, and one wrong password).
 */
import { OCPPClient, OCPPServer, SecurityProfile, safeEqual } from "../../../src/index.js";
import type { LoggingConfig } from "../../../src/index.js";

const mode = process.argv[2];
const env = (name: string) => process.env[name] ?? "";
const PASSWORD = env("OCPP_TEST_PASSWORD");
const tlsMode = mode === "secrets";
const everything: LoggingConfig = { level: "trace", exchangeLog: { payload: (p) => p } };
const serverLogging: LoggingConfig | false =
  mode === "off" || mode === "pretty" ? false : tlsMode ? everything : {};
const clientLogging: LoggingConfig | false =
  mode === "off"
    ? false
    : mode === "pretty"
      ? { prettify: true, prettifySource: true, prettifyMetadata: true }
      : tlsMode
        ? everything
        : {};

const server = new OCPPServer({
  protocols: ["ocpp1.6"],
  logging: serverLogging,
  ...(tlsMode
    ? {
        securityProfile: SecurityProfile.TLS_BASIC_AUTH,
        tls: { cert: env("OCPP_TEST_CERT"), key: env("OCPP_TEST_KEY") },
      }
    : {}),
});
server.auth(({ handshake, accept, reject }) =>
  !tlsMode || (handshake.password && safeEqual(handshake.password, PASSWORD))
    ? accept()
    : reject(401),
);
server.on("client", (c) =>
  c.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() })),
);
const http = await server.listen(0, "127.0.0.1");
const port = (http.address() as { port: number }).port;
const endpoint = `${tlsMode ? "wss" : "ws"}://127.0.0.1:${port}`;

function station(password: string) {
  return new OCPPClient({
    endpoint,
    identity: "CP-1",
    protocols: ["ocpp1.6"],
    reconnect: false,
    logging: clientLogging,
    ...(tlsMode
      ? {
          securityProfile: SecurityProfile.TLS_BASIC_AUTH,
          password,
          tls: { ca: env("OCPP_TEST_CA") },
        }
      : {}),
  });
}

if (tlsMode)
  await station(`${PASSWORD}-wrong`)
    .connect()
    .catch(() => undefined);
const client = station(PASSWORD);
await client.connect();
for (let i = 0; i < 3; i++) await client.call("Heartbeat", {});
await client.close();
await server.close();
console.log("DONE");
