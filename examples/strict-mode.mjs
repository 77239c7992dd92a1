// README "Strict mode": payloads are checked against the OCPP JSON schemas on both sides. An
// invalid call is refused before it is sent; an invalid inbound call is answered with the
// matching CALLERROR and never reaches the handler.
import { OCPPClient, OCPPServer } from "ocpp-ws-io";

const server = new OCPPServer({ protocols: ["ocpp1.6"], strictMode: true });
server.on("client", (client) => {
  client.handle("BootNotification", () => ({
    status: "Accepted",
    currentTime: new Date().toISOString(),
    interval: 300,
  }));
  client.on("strictValidationFailure", ({ method, outbound, isCall, error }) =>
    console.log(
      `CSMS strict: ${method} ${isCall ? "call" : "result"} (${outbound ? "out" : "in"}) ${error.rpcErrorCode}`,
    ),
  );
});
const httpServer = await server.listen(0, "127.0.0.1");
const endpoint = `ws://127.0.0.1:${httpServer.address().port}`;

const client = new OCPPClient({
  endpoint,
  identity: "CP001",
  protocols: ["ocpp1.6"],
  strictMode: true,
});
client.on("strictValidationFailure", ({ method, outbound, isCall, error }) =>
  console.log(
    `station strict: ${method} ${isCall ? "call" : "result"} (${outbound ? "out" : "in"}) ${error.rpcErrorCode}`,
  ),
);
await client.connect();

// Refused here, before anything is sent: chargePointModel is required.
await client
  .call("BootNotification", { chargePointVendor: "VendorX" })
  .catch((err) => console.log(`refused before sending: ${err.rpcErrorCode}: ${err.message}`));

const boot = await client.call("BootNotification", {
  chargePointVendor: "VendorX",
  chargePointModel: "ModelY",
});
console.log(`valid boot: ${boot.status}`);

// A station without strict mode sends the invalid payload; the strict CSMS answers with a
// CALLERROR.
const lax = new OCPPClient({ endpoint, identity: "CP002", protocols: ["ocpp1.6"] });
await lax.connect();
await lax
  .call("BootNotification", { chargePointVendor: "VendorX" })
  .catch((err) => console.log(`CSMS answered: ${err.rpcErrorCode}`));

await Promise.all([client.close(), lax.close()]);
await server.close();
