import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { createIpAllowList, type IpAllowList } from "../security/index.js";
import type { SecurityEventType } from "./security-event.js";

/** Who may open a WebSocket: browser origins, peer addresses (CIDR ranges too), schemes. */
export interface CORSOptions {
  /** Origins allowed (exact, e.g. "https://dashboard.example.com"). Requests without an Origin header (stations) are not affected. */
  allowedOrigins?: readonly string[];
  /** IPv4/IPv6 addresses or CIDR ranges ("192.168.1.0/24"); IPv4-mapped IPv6 peers match IPv4 entries. */
  allowedIPs?: readonly string[];
  /** "ws" and/or "wss": refuse connections over the other. */
  allowedSchemes?: ReadonlyArray<"ws" | "wss">;
}

export interface CorsRefusal {
  type: SecurityEventType;
  reason: string;
}

/** Checks compiled once per cors() call, run on every upgrade request. */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string> | undefined;
  private readonly ips: IpAllowList | undefined;
  private readonly schemes: ReadonlySet<string> | undefined;

  constructor(options: CORSOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("cors(options): options must be an object");
    }
    const { allowedOrigins, allowedIPs, allowedSchemes } = options;
    if (allowedOrigins !== undefined) {
      if (!Array.isArray(allowedOrigins) || allowedOrigins.some((o) => typeof o !== "string")) {
        throw new TypeError("cors(): allowedOrigins must be an array of origin strings");
      }
      this.origins = new Set(
        (allowedOrigins as readonly string[]).map((o) => o.toLowerCase().replace(/\/$/, "")),
      );
    }
    if (allowedIPs !== undefined) this.ips = createIpAllowList(allowedIPs);
    if (allowedSchemes !== undefined) {
      if (!Array.isArray(allowedSchemes) || allowedSchemes.some((s) => s !== "ws" && s !== "wss")) {
        throw new TypeError('cors(): allowedSchemes must be an array of "ws" and/or "wss"');
      }
      this.schemes = new Set(allowedSchemes);
    }
  }

  /** Undefined when the request may go on; else why not. */
  check(request: IncomingMessage): CorsRefusal | undefined {
    const address = request.socket.remoteAddress;
    if (this.ips && !this.ips.allows(address)) {
      return { type: "IP_REJECTED", reason: `Address ${address ?? "unknown"} is not allowed` };
    }
    if (this.schemes) {
      const scheme = (request.socket as Partial<TLSSocket>).encrypted ? "wss" : "ws";
      if (!this.schemes.has(scheme)) {
        return { type: "SCHEME_REJECTED", reason: `Scheme ${scheme} is not allowed` };
      }
    }
    const origin = request.headers.origin;
    if (this.origins && origin !== undefined && !this.origins.has(origin.toLowerCase())) {
      return { type: "CORS_ORIGIN_REJECTED", reason: `Origin ${origin} is not allowed` };
    }
    return undefined;
  }
}
