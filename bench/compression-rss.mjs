// Server RSS per connection with and without permessage-deflate: N stations, each sending
// 2.7 KB MeterValues. The server runs in a child process so the clients' memory is not counted.
// Usage: node bench/compression-rss.mjs [connections=2000]
import { fork } from "node:child_process";
import { once } from "node:events";
import { OCPPClient, OCPPServer } from "../dist/index.js";

const KiB = 1024;

async function serve(compression) {
  const server = new OCPPServer({ protocols: ["ocpp1.6"], compression, pingIntervalMs: 0 });
  server.on("client", (c) => c.handle("MeterValues", () => ({})));
  const http = await server.listen(0, "127.0.0.1");
  process.send({ port: http.address().port });
  process.on("message", (m) => {
    if (m === "mem") {
      globalThis.gc?.();
      process.send({ rss: process.memoryUsage().rss });
    }
  });
}

function meterValues(i) {
  const sampledValue = [];
  while (JSON.stringify(sampledValue).length < 2600)
    sampledValue.push({
      value: String(1000 + i),
      measurand: "Energy.Active.Import.Register",
      unit: "Wh",
    });
  return {
    connectorId: 1,
    transactionId: i,
    meterValue: [{ timestamp: new Date().toISOString(), sampledValue }],
  };
}

async function measure(n, compression) {
  const child = fork(new URL(import.meta.url), ["serve", JSON.stringify(compression)], {
    execArgv: ["--expose-gc"],
  });
  const ask = async (msg) => {
    child.send(msg);
    return (await once(child, "message"))[0];
  };
  const [{ port }] = await once(child, "message");
  const rss0 = (await ask("mem")).rss;
  const clients = [];
  for (let i = 0; i < n; i += 100) {
    const batch = [];
    for (let k = i; k < Math.min(n, i + 100); k++) {
      const c = new OCPPClient({
        endpoint: `ws://127.0.0.1:${port}`,
        identity: `CP${k}`,
        protocols: ["ocpp1.6"],
        reconnect: false,
        pingIntervalMs: 0,
        compression,
      });
      clients.push(c);
      batch.push(c.connect().then(() => c.call("MeterValues", meterValues(k))));
    }
    await Promise.all(batch);
  }
  // A second round: the zlib state a connection keeps between messages is what counts.
  await Promise.all(clients.map((c, k) => c.call("MeterValues", meterValues(k))));
  const rss1 = (await ask("mem")).rss;
  await Promise.all(clients.map((c) => c.close({ force: true })));
  child.kill();
  return (rss1 - rss0) / n / KiB;
}

if (process.argv[2] === "serve") {
  await serve(JSON.parse(process.argv[3]));
} else {
  const n = Number(process.argv[2] ?? 2000);
  const off = await measure(n, false);
  const on = await measure(n, true);
  console.log(
    `${n} connections, 2.7 KB MeterValues: server RSS/conn without compression ${off.toFixed(1)} KiB, with compression: true ${on.toFixed(1)} KiB`,
  );
}
