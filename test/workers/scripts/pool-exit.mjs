// Uses workerThreads, closes the server, and must then exit by itself (no thread left).
import { once } from "node:events";
import { WebSocket } from "ws";
import { OCPPServer } from "../../../dist/index.js";

const big = JSON.stringify([
  2,
  "m1",
  "MeterValues",
  {
    evseId: 1,
    meterValue: [
      {
        timestamp: "2026-12-03T07:00:00.000Z",
        sampledValue: Array.from({ length: 400 }, (_, i) => ({ value: i })),
      },
    ],
  },
]);
const server = new OCPPServer({
  protocols: ["ocpp2.0.1"],
  strictMode: true,
  logging: false,
  workerThreads: { poolSize: 2, minFrameBytes: 1024 },
});
server.on("client", (client) => client.handle("MeterValues", () => ({})));
const http = await server.listen(0, "127.0.0.1");
const ws = new WebSocket(`ws://127.0.0.1:${http.address().port}/CS1`, ["ocpp2.0.1"]);
await once(ws, "open");
let answered = 0;
for (let i = 0; i < 3; i++) {
  ws.send(big.replace('"m1"', `"m${i}"`));
  await once(ws, "message");
  answered++;
}
ws.close();
await server.close();
process.stdout.write(`answered ${answered} closed\n`);
