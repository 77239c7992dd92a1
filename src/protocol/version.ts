/**
 * The OCPP-J transport rules differ by version in a few places (error-code spellings, unknown
 * message types, CALLRESULTERROR/SEND). Everything version-specific is decided from the
 * negotiated subprotocol through this one mapping.
 */
export type ProtocolFamily = "1.6" | "2.0.1" | "2.1" | "other";

/** The OCPP subprotocol names this library knows the schemas of. */
export const OCPP_PROTOCOLS = ["ocpp1.6", "ocpp2.0.1", "ocpp2.1"] as const;
export type OCPPProtocol = (typeof OCPP_PROTOCOLS)[number];

export function protocolFamily(protocol: string | undefined): ProtocolFamily {
  switch (protocol) {
    case "ocpp1.6":
      return "1.6";
    case "ocpp2.0.1":
      return "2.0.1";
    case "ocpp2.1":
      return "2.1";
    default:
      return "other";
  }
}

/**
 * The error code to put on the wire for `code` under the negotiated version.
 *
 * OCPP-J 1.6 keeps the misspellings `FormationViolation` and `OccurenceConstraintViolation`
 * ("Do not fix", 1.6 errata §5.1–5.2) and has no `RpcFrameworkError`/`MessageTypeNotSupported`
 * (J16 §4.2.3 Table 7), so those map to the closest 1.6 codes. OCPP 2.x spell them
 * `FormatViolation` and `OccurrenceConstraintViolation` (2.0.1/2.1 Part 4 §4.3).
 * Unknown subprotocols get the code unchanged.
 */
export function wireErrorCode(code: string, family: ProtocolFamily): string {
  if (family === "1.6") {
    switch (code) {
      case "FormatViolation":
      case "RpcFrameworkError":
        return "FormationViolation";
      case "OccurrenceConstraintViolation":
        return "OccurenceConstraintViolation";
      case "MessageTypeNotSupported":
        return "NotSupported";
      default:
        return code;
    }
  }
  if (family === "2.0.1" || family === "2.1") {
    switch (code) {
      case "FormationViolation":
        return "FormatViolation";
      case "OccurenceConstraintViolation":
        return "OccurrenceConstraintViolation";
      default:
        return code;
    }
  }
  return code;
}
