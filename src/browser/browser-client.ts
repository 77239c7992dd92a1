import { ReconnectingClient, type OpenedTransport } from "../client/reconnecting-client.js";
import { BASE_CLIENT_OPTION_KEYS, type BaseClientOptions } from "../client/client-options.js";
import { ConnectionClosedError } from "../protocol/errors.js";
import { BrowserTransport } from "../transport/browser-transport.js";

/** Options of `BrowserOCPPClient`: the shared client options (browsers set no headers). */
export type BrowserClientOptions<P extends string = string> = BaseClientOptions<P>;

const BROWSER_OPTION_KEYS = new Set<string>(BASE_CLIENT_OPTION_KEYS);

/**
 * An OCPP-J client over the platform's native WebSocket, with the same engine and typed API
 * as `OCPPClient`: for station simulators and dashboards running in a browser. Browsers
 * cannot send WebSocket pings or custom headers, so keep-alive and Basic auth are left to
 * the server and the URL.
 *
 * @example
 * const client = new BrowserOCPPClient({ endpoint: "wss://csms.example.com/ocpp", identity: "SIM-1", protocols: ["ocpp2.0.1"] });
 * await client.connect();
 */
export class BrowserOCPPClient<const P extends string = string> extends ReconnectingClient<P> {
  constructor(options: BrowserClientOptions<P>) {
    super(options, "BrowserOCPPClient", BROWSER_OPTION_KEYS);
  }

  protected openTransport(
    url: string,
    protocols: readonly string[],
    signal: AbortSignal,
  ): Promise<OpenedTransport> {
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
