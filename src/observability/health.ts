import type { IncomingMessage, ServerResponse } from "node:http";
import { checkNumber } from "../rpc/options.js";
import type { OCPPServer } from "../server/ocpp-server.js";
import { metricsOf } from "./metrics.js";

export interface HealthHandlerOptions {
  /** The `Retry-After` of a 503 from /ready, in seconds. Default 5. */
  retryAfterSeconds?: number;
}

/**
 * Answers GET/HEAD /health, /ready and /metrics (a query string is ignored); returns false,
 * without touching the response, for anything else.
 */
export type HealthHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * The server's health endpoints as a plain Node request handler, for an HTTP server or
 * framework of your own (`healthEndpoint: true` serves them on the servers listen() creates):
 *
 * - `/health` (liveness): 200 and the server's figures while the process runs;
 * - `/ready` (readiness): 503 with `Retry-After` while the server is closing or closed, or
 *   while its cluster adapter cannot reach its backend; else 200;
 * - `/metrics`: the Prometheus text of its registry (404 when metrics are off).
 *
 * @example
 * const health = createHealthHandler(server);
 * http.createServer((req, res) => health(req, res) || res.writeHead(404).end());
 */
export function createHealthHandler<P extends string>(
  server: OCPPServer<P>,
  options: HealthHandlerOptions = {},
): HealthHandler {
  if (typeof (server as Partial<OCPPServer<P>> | undefined)?.stats !== "function") {
    throw new TypeError("createHealthHandler(server): server must be an OCPPServer");
  }
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  checkNumber("retryAfterSeconds", retryAfterSeconds, 0, true);
  const retryAfter = String(retryAfterSeconds);
  return (request, response) => {
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") return false;
    const url = request.url ?? "";
    const query = url.indexOf("?");
    const path = query < 0 ? url : url.slice(0, query);
    const head = method === "HEAD";
    try {
      switch (path) {
        case "/health":
          return answerJson(response, head, 200, liveness(server));
        case "/ready": {
          const reason = notReadyReason(server);
          if (reason === undefined) return answerJson(response, head, 200, { status: "ready" });
          response.setHeader("Retry-After", retryAfter);
          return answerJson(response, head, 503, { status: "unavailable", reason });
        }
        case "/metrics":
          return answerMetrics(server, response, head);
        default:
          return false;
      }
    } catch {
      // The server's own figures failed (never expected): answered, not thrown at the caller.
      if (!response.headersSent) response.statusCode = 500;
      response.end();
      return true;
    }
  };
}

/** /health's body: seed 002's fields from server.stats(). */
function liveness<P extends string>(server: OCPPServer<P>) {
  const { state, connectedClients, activeSessions, uptimeSeconds, pid } = server.stats();
  const status = notReadyReason(server) === undefined ? "ok" : "degraded";
  return { status, state, connectedClients, activeSessions, uptimeSeconds, pid };
}

function notReadyReason<P extends string>(server: OCPPServer<P>): string | undefined {
  const state = server.stats().state;
  if (state !== "open") return `server ${state}`;
  const adapter = server.adapter;
  if (adapter && !adapter.isReady()) return `cluster adapter '${adapter.name}' not connected`;
  return undefined;
}

function answerMetrics<P extends string>(
  server: OCPPServer<P>,
  response: ServerResponse,
  head: boolean,
): boolean {
  const ready = metricsOf(server);
  if (!ready) return false;
  ready
    .then(async (metrics) => {
      if (!metrics) return answerText(response, head, 503, "text/plain", "metrics unavailable\n");
      const text = await metrics.registry.metrics();
      answerText(response, head, 200, metrics.registry.contentType, text);
    })
    .catch(() => answerText(response, head, 500, "text/plain", "metrics failed\n"));
  return true;
}

function answerJson(response: ServerResponse, head: boolean, status: number, body: object): true {
  return answerText(response, head, status, "application/json", JSON.stringify(body));
}

function answerText(
  response: ServerResponse,
  head: boolean,
  status: number,
  contentType: string,
  text: string,
): true {
  if (response.headersSent || response.writableEnded) return true;
  response.statusCode = status;
  response.setHeader("Content-Type", contentType);
  response.setHeader("Cache-Control", "no-store");
  response.setHeader("Content-Length", Buffer.byteLength(text));
  response.end(head ? undefined : text);
  return true;
}
