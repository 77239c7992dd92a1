// The three "libraries" behind one small interface:
//   createServer(lib, opts) -> { port, counters, close() }
//   createClient(lib, opts) -> { call(method, params), close() }
// `bare` is plain `ws` + JSON: the least any OCPP-J library can cost.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import diagnostics_channel from "node:diagnostics_channel";
import { pino } from "pino";
import { WebSocketServer, WebSocket } from "ws";

const require = createRequire(import.meta.url);
// OCPP_WS_IO_DIST: another build of the library (for trying the harness on a
// build made elsewhere); the default is this repository's dist/.
export const DIST =
  process.env.OCPP_WS_IO_DIST || fileURLToPath(new URL("../dist/index.js", import.meta.url));
export const DEFAULT_LIBS = ["bare", "ocpp-rpc", "ocpp-ws-io"];

// Other configurations of ocpp-ws-io's server, run when named in --libs (e.g.
// --libs=ocpp-ws-io,ocpp-ws-io:no-logging --only=2): the server options each adds.
// "ocpp-ws-io" itself is the default configuration (logging at info, pino on stdout).
export const VARIANTS = {
  // Prometheus metrics on (no scrapes during the window); also run by run.mjs --metrics.
  "ocpp-ws-io+metrics": () => ({ metrics: true }),
  "ocpp-ws-io:no-logging": () => ({ logging: false }),
  // Every inbound CALL remembered for replay of a repeated message id (default window).
  "ocpp-ws-io+dedup": () => ({ callDeduplication: true }),
  // Rate limits on, never reached: what the per-CALL accounting costs (global and per method).
  "ocpp-ws-io+rate-limit": () => ({
    rateLimit: {
      limit: 1e9,
      windowMs: 1000,
      methods: { Heartbeat: { limit: 1e9, windowMs: 1000 } },
    },
  }),
  // Every message logged as a JSON line into a file (asynchronous pino destination).
  "ocpp-ws-io:exchange-log": () => ({
    logging: {
      exchangeLog: true,
      logger: pino(
        pino.destination({
          dest: join(tmpdir(), `ocpp-bench-exchange-${process.pid}.log`),
          sync: false,
        }),
      ),
    },
  }),
  // Every diagnostics channel subscribed (a no-op subscriber): what publishing costs.
  "ocpp-ws-io+diagnostics": () => {
    subscribeAllDiagnostics();
    return {};
  },
};
export const LIBS = [...DEFAULT_LIBS, ...Object.keys(VARIANTS)];
export const isOcppWsIo = (lib) => lib === "ocpp-ws-io" || Object.hasOwn(VARIANTS, lib);

const DIAGNOSTICS_NAMES = [
  "ocpp-ws-io:connection:open",
  "ocpp-ws-io:connection:close",
  "ocpp-ws-io:handshake:refused",
  "ocpp-ws-io:message",
  "ocpp-ws-io:bad-message",
];
function subscribeAllDiagnostics() {
  const ignore = () => {};
  for (const name of DIAGNOSTICS_NAMES) diagnostics_channel.subscribe(name, ignore);
  diagnostics_channel.tracingChannel("ocpp-ws-io:call").subscribe({
    start: ignore,
    end: ignore,
    asyncStart: ignore,
    asyncEnd: ignore,
    error: ignore,
  });
}

export const distExists = () => existsSync(DIST);

// Handlers shared by every server: same work, so only the library varies.
export const HANDLERS = {
  Heartbeat: () => ({ currentTime: new Date().toISOString() }),
  BootNotification: () => ({
    status: "Accepted",
    currentTime: new Date().toISOString(),
    interval: 300,
  }),
};

async function loadOcppWsIo() {
  if (!distExists()) throw new Error(`ocpp-ws-io not built: ${DIST} missing (run npx tsup)`);
  return import(pathToFileURL(DIST).href);
}

// ---------------------------------------------------------------- servers

export async function createServer(
  lib,
  { strictMode = false, pingIntervalMs = 0, callConcurrency = 10 } = {},
) {
  const counters = { accepted: 0, connected: 0, closed: 0, handled: 0 };
  const waiters = new Set(); // {n, resolve}
  const onAccept = () => {
    counters.accepted++;
    counters.connected++;
    if (waiters.size) {
      for (const w of waiters) {
        if (counters.accepted >= w.n) {
          waiters.delete(w);
          w.resolve();
        }
      }
    }
  };
  const onClose = () => {
    counters.connected--;
    counters.closed++;
  };
  const waitAccepted = (n) =>
    counters.accepted >= n
      ? Promise.resolve()
      : new Promise((resolve) => waiters.add({ n, resolve }));

  if (lib === "bare") {
    const wss = new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has("ocpp1.6") ? "ocpp1.6" : false),
    });
    await new Promise((resolve, reject) => {
      wss.once("listening", resolve);
      wss.once("error", reject);
    });
    wss.on("error", () => {});
    wss.on("connection", (ws) => {
      onAccept();
      ws.isAlive = true;
      if (pingIntervalMs > 0) ws.on("pong", () => (ws.isAlive = true));
      ws.on("error", () => {});
      ws.on("close", onClose);
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        let msg;
        try {
          msg = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (!Array.isArray(msg) || msg[0] !== 2) return;
        const handler = HANDLERS[msg[2]];
        if (!handler) {
          ws.send(JSON.stringify([4, msg[1], "NotImplemented", "", {}]));
          return;
        }
        counters.handled++;
        ws.send(JSON.stringify([3, msg[1], handler(msg[3])]));
      });
    });
    // one keep-alive sweep for all connections: the floor for pings
    let sweep;
    if (pingIntervalMs > 0) {
      sweep = setInterval(() => {
        for (const ws of wss.clients) {
          if (!ws.isAlive) {
            ws.terminate();
            continue;
          }
          ws.isAlive = false;
          ws.ping();
        }
      }, pingIntervalMs);
    }
    return {
      port: wss.address().port,
      counters,
      waitAccepted,
      close: async () => {
        clearInterval(sweep);
        for (const ws of wss.clients) ws.terminate();
        await new Promise((r) => wss.close(r));
      },
    };
  }

  const attach = (client) => {
    onAccept();
    client.on?.("error", () => {});
    client.once?.("close", onClose);
    client.handle("Heartbeat", () => {
      counters.handled++;
      return HANDLERS.Heartbeat();
    });
    client.handle("BootNotification", () => {
      counters.handled++;
      return HANDLERS.BootNotification();
    });
  };

  let server;
  if (lib === "ocpp-rpc") {
    const { RPCServer } = require("ocpp-rpc");
    server = new RPCServer({ protocols: ["ocpp1.6"], strictMode, callConcurrency, pingIntervalMs });
  } else if (isOcppWsIo(lib)) {
    const { OCPPServer } = await loadOcppWsIo();
    server = new OCPPServer({
      protocols: ["ocpp1.6"],
      strictMode,
      callConcurrency,
      pingIntervalMs,
      ...VARIANTS[lib]?.(),
    });
  } else {
    throw new Error(`unknown lib ${lib}`);
  }
  server.on("error", () => {});
  server.auth((accept, _reject, _handshake) => accept());
  server.on("client", attach);
  const http = await server.listen(0, "127.0.0.1");
  return {
    port: http.address().port,
    counters,
    waitAccepted,
    close: () => server.close({ force: true }),
  };
}

// ---------------------------------------------------------------- clients

class BareClient {
  constructor({ endpoint, identity }) {
    this.url = `${endpoint}/${encodeURIComponent(identity)}`;
    this.seq = 0;
    this.pending = new Map();
  }

  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, ["ocpp1.6"], { perMessageDeflate: false });
      this.ws = ws;
      ws.once("open", resolve);
      ws.once("error", reject);
      ws.on("message", (data) => this._onMessage(data));
      ws.on("close", () => {
        for (const p of this.pending.values()) p.reject(new Error("closed"));
        this.pending.clear();
      });
    });
  }

  call(method, params) {
    const id = String(++this.seq);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify([2, id, method, params]));
    });
  }

  _onMessage(data) {
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return;
    }
    const p = this.pending.get(msg[1]);
    if (!p) return;
    this.pending.delete(msg[1]);
    if (msg[0] === 3) p.resolve(msg[2]);
    else p.reject(new Error(`${msg[2]}: ${msg[3]}`));
  }

  close() {
    this.ws?.terminate();
  }
}

export async function createClient(lib, { endpoint, identity, callConcurrency = 10 }) {
  const opts = {
    endpoint,
    identity,
    protocols: ["ocpp1.6"],
    callConcurrency,
    reconnect: false,
    pingIntervalMs: 0,
  };
  let client;
  if (lib === "bare") client = new BareClient(opts);
  else if (lib === "ocpp-rpc") {
    const { RPCClient } = require("ocpp-rpc");
    client = new RPCClient(opts);
  } else if (isOcppWsIo(lib)) {
    // Metrics are a server option: the client is the same in both configurations.
    const { OCPPClient } = await loadOcppWsIo();
    client = new OCPPClient(opts);
  } else throw new Error(`unknown lib ${lib}`);
  client.on?.("error", () => {});
  await client.connect();
  return {
    call: (method, params) => client.call(method, params),
    close: () => client.close(lib === "bare" ? undefined : { force: true }),
  };
}
