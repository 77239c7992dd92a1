/**
 * The typed parts of the seed README's Quick Start (/work/shared/seeds/000_3c698da09d8fa677.txt),
 * copied unchanged except that top-level awaits are wrapped in async functions that are never
 * called (nothing connects), and the package name points at the sources.
 */
import { describe, expectTypeOf, it } from "vitest";
import { OCPPClient, OCPPServer, SecurityProfile } from "../../src/index.js";
import type { OCPP16, OCPP201, OCPPServerClient } from "../../src/index.js";

// ---- Client (Charging Station Simulator) --------------------------------------------------

const client = new OCPPClient({
  endpoint: "ws://localhost:3000",
  identity: "CP001",
  protocols: ["ocpp1.6"],
  securityProfile: SecurityProfile.NONE,
});

// Register a handler for incoming calls from the server
client.handle("Reset", ({ params }) => {
  console.log("Reset requested:", params);
  return { status: "Accepted" };
});

export async function clientQuickStart() {
  // Connect and send a BootNotification
  await client.connect();

  const response = await client.call("BootNotification", {
    chargePointVendor: "VendorX",
    chargePointModel: "ModelY",
  });

  console.log("BootNotification response:", response);
  return response;
}

// ---- Server (Central System) --------------------------------------------------------------

const server = new OCPPServer({
  protocols: ["ocpp1.6", "ocpp2.0.1"],
});

// Optional: Add authentication
server.auth((accept, reject, handshake) => {
  console.log(`Connection from ${handshake.identity} @ ${handshake.remoteAddress}`);

  if (handshake.identity === "BLOCKED") {
    return reject(401, "Not authorized");
  }

  accept({ session: { authorized: true } });
});

// Handle new client connections
server.on("client", (client) => {
  console.log(`${client.identity} connected (protocol: ${client.protocol})`);

  // Handle BootNotification from this client
  client.handle("BootNotification", ({ params }) => {
    console.log("BootNotification:", params);
    return {
      status: "Accepted",
      currentTime: new Date().toISOString(),
      interval: 300,
    };
  });

  // Send a call TO the client
  client
    .call("GetConfiguration", { key: ["HeartbeatInterval"] })
    .then((result) => console.log("GetConfiguration result:", result))
    .catch((err) => console.error("GetConfiguration failed:", err));

  client.on("close", () => {
    console.log(`${client.identity} disconnected`);
  });
});

export async function serverQuickStart() {
  await server.listen(3000);
  console.log("OCPP Server listening on port 3000");
}

// ---- What the Quick Start's types resolve to ----------------------------------------------

describe("seed Quick Start", () => {
  it("types the client part", async () => {
    expectTypeOf(client).toEqualTypeOf<OCPPClient<"ocpp1.6">>();
    expectTypeOf(await clientQuickStart()).toEqualTypeOf<OCPP16.BootNotificationResponse>();
  });

  it("types the server part", () => {
    expectTypeOf(server).toEqualTypeOf<OCPPServer<"ocpp1.6" | "ocpp2.0.1">>();
    expectTypeOf(serverQuickStart).returns.toEqualTypeOf<Promise<void>>();
    server.on("client", (c) => {
      expectTypeOf(c).toEqualTypeOf<OCPPServerClient<"ocpp1.6" | "ocpp2.0.1">>();
      c.handle("BootNotification", ({ params }) => {
        expectTypeOf(params).toEqualTypeOf<
          OCPP16.BootNotificationRequest | OCPP201.BootNotificationRequest
        >();
        return { status: "Accepted", currentTime: "", interval: 300 };
      });
    });
  });

  it("would reject the Quick Start with a typo", () => {
    // @ts-expect-error "Acepted" is not a 1.6 ResetResponse status
    client.handle("Reset", () => ({ status: "Acepted" }));
    server.on("client", (c) => {
      // @ts-expect-error a CSMS never sends BootNotification
      void c.call("BootNotification", { chargePointVendor: "V", chargePointModel: "M" });
    });
  });
});
