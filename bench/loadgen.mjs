// Child process: the load generator. The same bare `ws` program drives every
// server under test, so only the library under test varies.
// Commands: connect, seq, pipeline, status, pingBuckets, closeAll.
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import { serve, sleep } from "./child.mjs";

const conns = []; // { ws, onMessage }
const counts = { closed: 0, pings: 0, errors: 0 };

// Pings received per 10 ms of wall clock (Date.now, so buckets line up across
// load generators): how bunched the server's pings arrive. Bounded: the oldest
// bucket goes once there are more than a quarter of an hour's worth.
const BUCKET_MS = 10;
const MAX_BUCKETS = 90_000;
const pingBuckets = new Map();
function countPing() {
  counts.pings++;
  const b = Math.floor(Date.now() / BUCKET_MS);
  pingBuckets.set(b, (pingBuckets.get(b) ?? 0) + 1);
  if (pingBuckets.size > MAX_BUCKETS) pingBuckets.delete(pingBuckets.keys().next().value);
}

// Explicit source ports per source address: the kernel's search for a free
// port on bind(port 0) grows with the ports already taken on that address,
// which makes tens of thousands of connections crawl. Cursor per address.
const portCursor = new Map();
const nextPort = (addr) => {
  let p = portCursor.get(addr) ?? 10_000;
  if (p > 65_000) p = 10_000;
  portCursor.set(addr, p + 1);
  return p;
};

function openOne(url, { localAddress, localPort, handshakeTimeout, trackPings }) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["ocpp1.6"], {
      perMessageDeflate: false,
      handshakeTimeout,
      ...(localAddress ? { localAddress, localPort } : {}),
    });
    const conn = { ws, onMessage: null };
    let opened = false;
    ws.on("error", (err) => {
      counts.errors++;
      if (!opened) reject(err);
    });
    ws.once("open", () => {
      opened = true;
      if (ws.protocol !== "ocpp1.6") {
        ws.terminate();
        reject(new Error(`server chose subprotocol '${ws.protocol}'`));
        return;
      }
      resolve(conn);
    });
    ws.once("close", () => {
      if (opened) counts.closed++;
      else reject(new Error("closed during handshake"));
    });
    ws.on("message", (data) => conn.onMessage?.(data));
    if (trackPings) ws.on("ping", countPing);
  });
}

const openConns = () => conns.filter((c) => c.ws.readyState === WebSocket.OPEN);

serve({
  // Open `n` connections, `concurrency` handshakes at a time, spreading them
  // round-robin over `addresses` (source addresses for localAddress).
  async connect({
    port,
    n,
    addresses = [],
    concurrency = 100,
    idPrefix = "CP",
    trackPings = false,
    timeoutMs = 60_000,
  }) {
    const t0 = performance.now();
    const deadline = Date.now() + timeoutMs;
    let next = 0;
    let opened = 0;
    let failed = 0;
    let firstError;
    const worker = async () => {
      while (next < n && Date.now() < deadline) {
        const i = next++;
        const localAddress = addresses.length ? addresses[i % addresses.length] : undefined;
        // a taken source port (EADDRINUSE / EADDRNOTAVAIL) is retried with the next one
        for (let attempt = 0; ; attempt++) {
          try {
            const c = await openOne(`ws://127.0.0.1:${port}/${idPrefix}${i}`, {
              localAddress,
              localPort: localAddress ? nextPort(localAddress) : undefined,
              handshakeTimeout: 20_000,
              trackPings,
            });
            conns.push(c);
            opened++;
            break;
          } catch (err) {
            const portTaken = err?.code === "EADDRINUSE" || err?.code === "EADDRNOTAVAIL";
            if (localAddress && portTaken && attempt < 50 && Date.now() < deadline) continue;
            failed++;
            firstError ??= `${localAddress ?? ""} ${err?.code ?? ""} ${err?.message ?? err}`.trim();
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
    return {
      opened,
      failed,
      notTried: n - opened - failed,
      firstError,
      ms: performance.now() - t0,
    };
  },

  // One outstanding call at a time on the first connection; latencies in µs.
  async seq({ method = "Heartbeat", params = {}, durationMs = 1000, maxCalls = 2_000_000 }) {
    const conn = openConns()[0];
    if (!conn) throw new Error("no open connection");
    const lat = new Float64Array(maxCalls);
    const head = '[2,"s';
    const tail = `","${method}",${JSON.stringify(params)}]`;
    let calls = 0;
    let errors = 0;
    let firstError;
    let id = 0;
    let sent = 0;
    let stop = false;
    const t0 = performance.now();
    let tEnd = t0;
    await new Promise((resolve) => {
      const guard = setTimeout(() => {
        stop = true;
        resolve();
      }, durationMs + 5000);
      const send = () => {
        sent = performance.now();
        conn.ws.send(head + ++id + tail);
      };
      conn.onMessage = (data) => {
        const now = performance.now();
        if (data[1] === 0x33) lat[calls++] = (now - sent) * 1000;
        else {
          errors++;
          firstError ??= data.toString().slice(0, 300);
        }
        tEnd = now;
        if (!stop && now - t0 < durationMs && calls < maxCalls) send();
        else {
          clearTimeout(guard);
          resolve();
        }
      };
      send();
    });
    conn.onMessage = null;
    const sorted = lat.subarray(0, calls).sort();
    const pct = (p) => (calls ? sorted[Math.min(calls - 1, Math.floor(p * calls))] : NaN);
    return { calls, errors, firstError, elapsedMs: tEnd - t0, p50: pct(0.5), p99: pct(0.99) };
  },

  // Every open connection keeps `inflight` calls outstanding for `durationMs`.
  async pipeline({
    method = "Heartbeat",
    params = {},
    inflight = 10,
    durationMs = 1000,
    maxCalls = 20_000_000,
  }) {
    const list = openConns();
    if (!list.length) throw new Error("no open connections");
    const tail = `","${method}",${JSON.stringify(params)}]`;
    let calls = 0;
    let errors = 0;
    let outstanding = 0;
    let firstError;
    let sample;
    let stop = false;
    const t0 = performance.now();
    let tEnd = t0;
    await new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(stopTimer);
        clearTimeout(drainTimer);
        resolve();
      };
      let drainTimer;
      const stopTimer = setTimeout(() => {
        stop = true;
        if (outstanding === 0) finish();
        drainTimer = setTimeout(finish, 5000);
      }, durationMs);
      list.forEach((conn, ci) => {
        const head = `[2,"p${ci}-`;
        let id = 0;
        const send = () => {
          outstanding++;
          conn.ws.send(head + ++id + tail);
        };
        conn.onMessage = (data) => {
          outstanding--;
          if (data[1] === 0x33) {
            calls++;
            if (sample === undefined) sample = data.toString();
          } else {
            errors++;
            firstError ??= data.toString().slice(0, 300);
          }
          if (!stop && calls < maxCalls) send();
          else {
            stop = true;
            tEnd = performance.now();
            if (outstanding === 0) finish();
          }
        };
        for (let i = 0; i < inflight; i++) send();
      });
    });
    for (const c of list) c.onMessage = null;
    const elapsedMs = (stop && tEnd > t0 ? tEnd : performance.now()) - t0;
    return { calls, errors, outstanding, firstError, sample, elapsedMs };
  },

  // The per-10 ms ping counts as [bucket, count] pairs; `reset` starts afresh.
  pingBuckets({ reset = false } = {}) {
    const out = [...pingBuckets];
    if (reset) pingBuckets.clear();
    return { bucketMs: BUCKET_MS, buckets: out };
  },

  status() {
    return { total: conns.length, open: openConns().length, ...counts };
  },

  async closeAll({ timeoutMs = 5000 } = {}) {
    for (const c of conns) c.ws.close(1000);
    const end = Date.now() + timeoutMs;
    while (Date.now() < end && conns.some((c) => c.ws.readyState !== WebSocket.CLOSED))
      await sleep(20);
    for (const c of conns) if (c.ws.readyState !== WebSocket.CLOSED) c.ws.terminate();
    conns.length = 0;
    return null;
  },
});
