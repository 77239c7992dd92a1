import type { Connector, OpenedTransport } from "../client/reconnector.js";
import { ConnectionClosedError } from "../protocol/errors.js";
import { BrowserTransport } from "../transport/browser-transport.js";

/** Opens connections with the platform's native WebSocket (browsers, Deno, Node >= 22). */
export class BrowserConnector implements Connector {
  open(url: string, protocols: readonly string[], signal: AbortSignal): Promise<OpenedTransport> {
    return new Promise<OpenedTransport>((resolve, reject) => {
      const ws = new WebSocket(url, [...protocols]);
      const transport = new BrowserTransport(ws);
      const onAbort = () => {
        ws.close();
        reject(new ConnectionClosedError("Connection aborted", 1001));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      ws.onopen = () => {
        signal.removeEventListener("abort", onAbort);
        resolve({ transport });
      };
      // Browsers hide why an upgrade failed (no HTTP status): only the close event arrives.
      ws.onclose = (event: CloseEvent) => {
        signal.removeEventListener("abort", onAbort);
        reject(
          new ConnectionClosedError(
            `WebSocket connection to ${url} failed (${event.code})`,
            event.code,
          ),
        );
      };
    });
  }
}
