import { protocolDirections } from "../generated/index.js";
import { RPC_ERROR_DESCRIPTIONS } from "../protocol/errors.js";
import type { SecurityEvent } from "../server/security-event.js";

/**
 * Label values from the wire are bounded here: a station chooses its method names, error
 * codes and close codes, and an unbounded label is a series per value (the identity is never
 * a label at all). Whatever falls outside the known set is "other".
 */

/** Method names outside the generated OCPP messages admitted as labels (custom protocols). */
const MAX_CUSTOM_METHODS = 64;

export class MethodLabels {
  private readonly custom = new Set<string>();

  /**
   * `method` when it is an OCPP message of `protocol` or an admitted custom one; else
   * "other". `admit`: a call of it succeeded, so it may take one of the custom places (a
   * station's made-up names, answered NotImplemented, never do).
   */
  label(protocol: string, method: string, admit: boolean): string {
    const known = (protocolDirections as Record<string, Record<string, string> | undefined>)[
      protocol
    ];
    if (known && Object.hasOwn(known, method)) return method;
    if (this.custom.has(method)) return method;
    if (admit && this.custom.size < MAX_CUSTOM_METHODS && method.length <= 64) {
      this.custom.add(method);
      return method;
    }
    return "other";
  }
}

/** An OCPP-J error code as spelled on the wire, or "other" for a code no version defines. */
export function errorCodeLabel(code: string): string {
  return Object.hasOwn(RPC_ERROR_DESCRIPTIONS, code) ? code : "other";
}

/**
 * A WebSocket close code: the RFC 6455 codes (1000–1015) as they are, the registered (3000s)
 * and private (4000s) ranges as "3xxx" / "4xxx".
 */
export function closeCodeLabel(code: number): string {
  if (code >= 1000 && code <= 1015) return String(code);
  if (code >= 3000 && code <= 3999) return "3xxx";
  if (code >= 4000 && code <= 4999) return "4xxx";
  return "other";
}

/** Why a handshake was refused, from the server's security event; undefined when it was not a refusal. */
export function handshakeRejectionReason(event: SecurityEvent): string | undefined {
  switch (event.type) {
    case "AUTH_FAILED":
      return "auth";
    case "CONNECTION_RATE_LIMIT":
      return "rate_limited";
    case "CORS_ORIGIN_REJECTED":
      return "origin";
    case "IP_REJECTED":
      return "ip";
    case "SCHEME_REJECTED":
      return "scheme";
    case "TLS_ERROR":
      return "tls";
    case "DUPLICATE_IDENTITY":
      // Without a status it is a replacement (the new connection was accepted).
      return event.status === undefined ? undefined : "duplicate";
    case "UPGRADE_ABORTED":
      return upgradeAbortReason(event.status);
    default:
      // PAYLOAD_TOO_LARGE: an open connection, not a handshake.
      return undefined;
  }
}

function upgradeAbortReason(status: number | undefined): string {
  switch (status) {
    case 400:
    case 404:
    case 405:
    case 431:
      return "bad_request";
    case 408:
      return "timeout";
    case 503:
      return "closing";
    default:
      return status !== undefined && status >= 500 ? "error" : "other";
  }
}
