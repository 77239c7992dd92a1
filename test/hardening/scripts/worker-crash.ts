/**
 * A server with workerThreads whose worker dies (process.exit) on the CALL with id "crash":
 * prints each answer, then closes the server and lets the process end on its own; a worker
 * thread left running would keep it alive. Runs on dist/ (the pool loads its worker module
 * from the build).
 */
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import { WebSocket } from "ws";
import { OCPPServer } from "../../../dist/index.js";
import { bigMeterValuesCall } from "../../workers/big-frames.js";

// Read by the worker module when each thread starts (threads inherit the environment).
process.env.OCPP_WS_IO_TEST_WORKER_EXIT_ON = "crash";

const server = new OCPPServer({
  protocols: ["ocpp2.0.1"],
  strictMode: true,
  workerThreads: { poolSize: 1, minFrameBytes: 4096 },
});
server.on("client", (client) => client.handle("MeterValues", () => ({})));
const http = await server.listen(0, "127.0.0.1");
const ws = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/CP1`, [
  "ocpp2.0.1",
]);
await once(ws, "open");
const ids = ["before", "crash", "after-1", "after-2"];
const answered = new Promise<void>((resolve) => {
  let left = ids.length;
  ws.on("message", (data: Buffer) => {
    console.log(`ANSWER ${data.toString().slice(0, 40)}`);
    if (--left === 0) resolve();
  });
});
for (const id of ids) ws.send(bigMeterValuesCall(id, 20_000, id === "after-2" ? "bad" : 1));
await answered;
ws.close();
await server.close();
console.log("CLOSED");
