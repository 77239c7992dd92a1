import { BASE_CLIENT_OPTION_KEYS, type BaseClientOptions } from "../client/client-options.js";
import { StationClient } from "../client/station-client.js";
import { BrowserConnector } from "./browser-connector.js";
import { consoleOutput } from "../observability/console-output.js";

/** Options of `BrowserOCPPClient`: the shared client options (browsers set no headers). */
export type BrowserClientOptions<P extends string = string> = BaseClientOptions<P>;

const BROWSER_OPTION_KEYS = new Set<string>(BASE_CLIENT_OPTION_KEYS);

/**
 * An OCPP-J client over the platform's native WebSocket, with the same engine, reconnect
 * logic and typed API as `OCPPClient`: for station simulators and dashboards running in a
 * browser. Browsers cannot send WebSocket pings or custom headers, so keep-alive and Basic
 * auth are left to the server and the URL.
 *
 * @example
 * const client = new BrowserOCPPClient({ endpoint: "wss://csms.example.com/ocpp", identity: "SIM-1", protocols: ["ocpp2.0.1"] });
 * await client.connect();
 */
export class BrowserOCPPClient<const P extends string = string> extends StationClient<P> {
  constructor(options: BrowserClientOptions<P>) {
    super(options, "BrowserOCPPClient", BROWSER_OPTION_KEYS, new BrowserConnector(), consoleOutput);
  }
}
