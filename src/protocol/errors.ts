/**
 * The one errors module. RPC errors carry the OCPP-J error code (`rpcErrorCode`) and the
 * spec's wording as default message; lifecycle and transport errors carry a stable `code`.
 */

/** The canonical OCPP-J error codes (OCPP 2.x Part 4 §4.3 and the 1.6 spellings, J16 §4.2.3). */
export const RPC_ERROR_DESCRIPTIONS = {
  GenericError: "Any other error not covered by the more specific error codes",
  NotImplemented: "Requested Action is not known by receiver",
  NotSupported: "Requested Action is recognized but not supported by the receiver",
  InternalError:
    "An internal error occurred and the receiver was not able to process the requested Action successfully",
  ProtocolError: "Payload for Action is not conform the PDU structure",
  SecurityError:
    "During the processing of Action a security issue occurred preventing receiver from completing the Action successfully",
  FormatViolation:
    "Payload for Action is syntactically incorrect or not conform the PDU structure for Action",
  FormationViolation:
    "Payload for Action is syntactically incorrect or not conform the PDU structure for Action",
  PropertyConstraintViolation:
    "Payload is syntactically correct but at least one field contains an invalid value",
  OccurrenceConstraintViolation:
    "Payload for Action is syntactically correct but at least one of the fields violates occurrence constraints",
  OccurenceConstraintViolation:
    "Payload for Action is syntactically correct but at least one of the fields violates occurence constraints",
  TypeConstraintViolation:
    "Payload for Action is syntactically correct but at least one of the fields violates data type constraints",
  MessageTypeNotSupported:
    "A message with a Message Type Number received that is not supported by this implementation",
  RpcFrameworkError:
    "Content of the message is not a valid RPC request, for example: MessageId could not be read",
} as const;

export type RPCErrorCode = keyof typeof RPC_ERROR_DESCRIPTIONS;

export type RPCErrorDetails = Record<string, unknown>;

/** An OCPP-J RPC error: thrown by handlers to answer with CALLERROR, and rejected by `call()`. */
export class RPCError extends Error {
  /** The OCPP-J error code sent or received on the wire. */
  readonly rpcErrorCode: RPCErrorCode | (string & {}) = "GenericError";
  /** Free-form details, sent as the CALLERROR's errorDetails object. */
  details: RPCErrorDetails;

  constructor(message?: string, details?: RPCErrorDetails, options?: ErrorOptions) {
    super(message ?? "", options);
    this.details = details ?? {};
  }

  /** The spec's description of this error code. */
  get rpcErrorMessage(): string {
    return (RPC_ERROR_DESCRIPTIONS as Record<string, string>)[this.rpcErrorCode] ?? "";
  }
}

function rpcErrorClass<C extends RPCErrorCode>(code: C, className: string) {
  const cls = class extends RPCError {
    override readonly rpcErrorCode: C = code;
    constructor(message?: string, details?: RPCErrorDetails, options?: ErrorOptions) {
      super(message ?? RPC_ERROR_DESCRIPTIONS[code], details, options);
      this.name = className;
    }
  };
  Object.defineProperty(cls, "name", { value: className });
  return cls;
}

export const RPCGenericError = rpcErrorClass("GenericError", "RPCGenericError");
export type RPCGenericError = InstanceType<typeof RPCGenericError>;
export const RPCNotImplementedError = rpcErrorClass("NotImplemented", "RPCNotImplementedError");
export type RPCNotImplementedError = InstanceType<typeof RPCNotImplementedError>;
export const RPCNotSupportedError = rpcErrorClass("NotSupported", "RPCNotSupportedError");
export type RPCNotSupportedError = InstanceType<typeof RPCNotSupportedError>;
export const RPCInternalError = rpcErrorClass("InternalError", "RPCInternalError");
export type RPCInternalError = InstanceType<typeof RPCInternalError>;
export const RPCProtocolError = rpcErrorClass("ProtocolError", "RPCProtocolError");
export type RPCProtocolError = InstanceType<typeof RPCProtocolError>;
export const RPCSecurityError = rpcErrorClass("SecurityError", "RPCSecurityError");
export type RPCSecurityError = InstanceType<typeof RPCSecurityError>;
export const RPCFormatViolationError = rpcErrorClass("FormatViolation", "RPCFormatViolationError");
export type RPCFormatViolationError = InstanceType<typeof RPCFormatViolationError>;
export const RPCFormationViolationError = rpcErrorClass(
  "FormationViolation",
  "RPCFormationViolationError",
);
export type RPCFormationViolationError = InstanceType<typeof RPCFormationViolationError>;
export const RPCPropertyConstraintViolationError = rpcErrorClass(
  "PropertyConstraintViolation",
  "RPCPropertyConstraintViolationError",
);
export type RPCPropertyConstraintViolationError = InstanceType<
  typeof RPCPropertyConstraintViolationError
>;
export const RPCOccurrenceConstraintViolationError = rpcErrorClass(
  "OccurrenceConstraintViolation",
  "RPCOccurrenceConstraintViolationError",
);
export type RPCOccurrenceConstraintViolationError = InstanceType<
  typeof RPCOccurrenceConstraintViolationError
>;
export const RPCOccurenceConstraintViolationError = rpcErrorClass(
  "OccurenceConstraintViolation",
  "RPCOccurenceConstraintViolationError",
);
export type RPCOccurenceConstraintViolationError = InstanceType<
  typeof RPCOccurenceConstraintViolationError
>;
export const RPCTypeConstraintViolationError = rpcErrorClass(
  "TypeConstraintViolation",
  "RPCTypeConstraintViolationError",
);
export type RPCTypeConstraintViolationError = InstanceType<typeof RPCTypeConstraintViolationError>;
export const RPCMessageTypeNotSupportedError = rpcErrorClass(
  "MessageTypeNotSupported",
  "RPCMessageTypeNotSupportedError",
);
export type RPCMessageTypeNotSupportedError = InstanceType<typeof RPCMessageTypeNotSupportedError>;
export const RPCFrameworkError = rpcErrorClass("RpcFrameworkError", "RPCFrameworkError");
export type RPCFrameworkError = InstanceType<typeof RPCFrameworkError>;

const RPC_ERROR_CLASSES: Record<RPCErrorCode, new (m?: string, d?: RPCErrorDetails) => RPCError> = {
  GenericError: RPCGenericError,
  NotImplemented: RPCNotImplementedError,
  NotSupported: RPCNotSupportedError,
  InternalError: RPCInternalError,
  ProtocolError: RPCProtocolError,
  SecurityError: RPCSecurityError,
  FormatViolation: RPCFormatViolationError,
  FormationViolation: RPCFormationViolationError,
  PropertyConstraintViolation: RPCPropertyConstraintViolationError,
  OccurrenceConstraintViolation: RPCOccurrenceConstraintViolationError,
  OccurenceConstraintViolation: RPCOccurenceConstraintViolationError,
  TypeConstraintViolation: RPCTypeConstraintViolationError,
  MessageTypeNotSupported: RPCMessageTypeNotSupportedError,
  RpcFrameworkError: RPCFrameworkError,
};

/**
 * Creates the RPC error class matching an OCPP-J error code; any other value (an unknown
 * code, a misspelling, a non-string) gives an `RPCGenericError`, so what is thrown or sent
 * always carries a code of the OCPP-J vocabulary.
 *
 * @example
 * throw createRPCError("NotSupported", "Hard reset not supported");
 */
export function createRPCError(
  type: RPCErrorCode | (string & {}),
  message?: string,
  details?: RPCErrorDetails,
): RPCError {
  const cls =
    typeof type === "string" && Object.hasOwn(RPC_ERROR_CLASSES, type)
      ? RPC_ERROR_CLASSES[type as RPCErrorCode]
      : RPCGenericError;
  return new cls(message, details);
}

/** A call that got no answer within its timeout. */
export class TimeoutError extends Error {
  readonly code = "ERR_CALL_TIMEOUT";
  override name = "TimeoutError";
}

/** The server answered the WebSocket upgrade with an HTTP status other than 101. */
export class UnexpectedHttpResponse extends Error {
  override name = "UnexpectedHttpResponse";
  /** The HTTP status code (same as `statusCode`; kept for ocpp-rpc compatibility). */
  readonly code: number;
  readonly statusCode: number;
  /** The Node `http.ClientRequest` (Node client only). */
  request?: unknown;
  /** The Node `http.IncomingMessage` (Node client only). */
  response?: unknown;
  /** The response body, when the server sent a short one. */
  body?: string;

  constructor(statusCode: number, message?: string) {
    super(message || `Unexpected server response: ${statusCode}`);
    this.code = statusCode;
    this.statusCode = statusCode;
  }
}

/**
 * A server-side upgrade refusal: `code` is the HTTP status sent to the client; a refusal for
 * load (429, 503) says in `retryAfterSeconds` when a retry can succeed (the Retry-After header).
 */
export class WebsocketUpgradeError extends Error {
  override name = "WebsocketUpgradeError";
  readonly code: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: number,
    message?: string,
    options?: ErrorOptions & { retryAfterSeconds?: number },
  ) {
    super(message ?? "", options);
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** A call or response that cannot go ahead because the connection is closing or closed. */
export class ConnectionClosedError extends Error {
  override name = "ConnectionClosedError";
  readonly code: string = "ERR_CONNECTION_CLOSED";
  /** The WebSocket close code, when the connection closed with one. */
  readonly closeCode: number | undefined;

  constructor(message: string, closeCode?: number, options?: ErrorOptions) {
    super(message, options);
    this.closeCode = closeCode;
  }
}

/** The transport failed to carry a message (socket error, send failure). */
export class RPCGenericTransportError extends Error {
  override name = "RPCGenericTransportError";
  readonly code = "ERR_TRANSPORT";
}

/** Cluster routing: the station is connected to no node of the cluster (checked before sending). */
export class StationNotConnectedError extends ConnectionClosedError {
  override name = "StationNotConnectedError";
  override readonly code = "ERR_STATION_NOT_CONNECTED";
}

/**
 * Cluster routing: the node holding the station stopped heartbeating (or left) while the call
 * was out. The outcome is unknown: the station may or may not have executed the call.
 */
export class NodeLostError extends Error {
  override name = "NodeLostError";
  readonly code = "ERR_NODE_LOST";
  /** The node that was lost. */
  readonly nodeId: string;

  constructor(nodeId: string, message: string) {
    super(message);
    this.nodeId = nodeId;
  }
}

/** Cluster routing: the adapter cannot reach its backend (for example Redis is down). */
export class ClusterUnavailableError extends Error {
  override name = "ClusterUnavailableError";
  readonly code = "ERR_CLUSTER_UNAVAILABLE";
}

/** One kind of error the library throws or rejects with. */
export interface ErrorCatalogueEntry {
  /** The stable code: `rpcErrorCode` for RPC errors, `code` for the others (an HTTP status for upgrade errors). */
  readonly code: string;
  readonly class: abstract new (...args: never[]) => Error;
  /** When it happens. */
  readonly message: string;
}

/**
 * Every error class of the library, with its code and meaning: the reference the README's
 * error table and the catalogue test are checked against. Programmer errors (a wrong
 * argument or option) are the standard TypeError and RangeError, with a message naming it.
 */
export const ERROR_CATALOGUE: readonly ErrorCatalogueEntry[] = /* @__PURE__ */ catalogue();

// A function called under a pure annotation, so that a bundle that never reads the catalogue
// (a browser app) drops it, its texts and the error classes only it refers to.
function catalogue(): readonly ErrorCatalogueEntry[] {
  return Object.freeze([
    ...(Object.keys(RPC_ERROR_CLASSES) as RPCErrorCode[]).map((code) => ({
      code,
      class: RPC_ERROR_CLASSES[code],
      message: RPC_ERROR_DESCRIPTIONS[code],
    })),
    {
      code: "ERR_CALL_TIMEOUT",
      class: TimeoutError,
      message: "A call got no answer within its timeout",
    },
    {
      code: "ERR_CONNECTION_CLOSED",
      class: ConnectionClosedError,
      message:
        "The connection is closing, closed or reconnecting: the call was not sent, or its answer can no longer come",
    },
    {
      code: "ERR_TRANSPORT",
      class: RPCGenericTransportError,
      message: "The transport failed to carry a message",
    },
    {
      code: "ERR_UNEXPECTED_HTTP_RESPONSE",
      class: UnexpectedHttpResponse,
      message:
        "The server answered the upgrade with an HTTP status other than 101 (code: the status)",
    },
    {
      code: "ERR_NODE_LOST",
      class: NodeLostError,
      message: "Cluster: the node holding the station was lost mid-call (outcome unknown)",
    },
    {
      code: "ERR_STATION_NOT_CONNECTED",
      class: StationNotConnectedError,
      message: "Cluster: the station is connected to no node",
    },
    {
      code: "ERR_CLUSTER_UNAVAILABLE",
      class: ClusterUnavailableError,
      message:
        "Cluster: the adapter cannot reach its backend, or too many routed calls are waiting",
    },
    {
      code: "ERR_UPGRADE_REFUSED",
      class: WebsocketUpgradeError,
      message: "The server refused an upgrade (code: the HTTP status sent)",
    },
  ]);
}
