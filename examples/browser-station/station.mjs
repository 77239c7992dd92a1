// README "Browser client": a charging-station simulator in a web page, on the browser's own
// WebSocket. The page's address names the CSMS: index.html?csms=ws://127.0.0.1:3000&identity=SIM-1.
// Bundle it for the browser first (see README.md beside this file).
import { BrowserOCPPClient } from "ocpp-ws-io/browser";

const query = new URLSearchParams(location.search);
const endpoint = query.get("csms") ?? "ws://127.0.0.1:3000";
const identity = query.get("identity") ?? "SIM-1";

/** Shows one line of what happened in the page's list. */
function show(line) {
  const item = document.createElement("li");
  item.textContent = line;
  document.querySelector("#log").append(item);
}

const client = new BrowserOCPPClient({ endpoint, identity, protocols: ["ocpp1.6"] });

// Calls from the CSMS: the station answers them.
client.handle("Reset", ({ params }) => {
  show(`CSMS asked for a ${params.type} reset`);
  return { status: "Accepted" };
});
client.on("close", ({ code }) => show(`connection closed (${code})`));

try {
  await client.connect();
  show(`${identity} connected to ${endpoint} with ${client.protocol}`);
  const boot = await client.call("BootNotification", {
    chargePointVendor: "VendorX",
    chargePointModel: "Simulator",
  });
  show(`boot ${boot.status}, heartbeat every ${boot.interval} s`);
  const { currentTime } = await client.call("Heartbeat");
  show(`CSMS time: ${currentTime}`);
} catch (err) {
  show(`failed: ${err.message}`);
}
