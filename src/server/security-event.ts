/** Why the server refused or dropped something, for SIEM and audit logs. */
export type SecurityEventType =
  | "AUTH_FAILED"
  | "UPGRADE_ABORTED"
  | "CONNECTION_RATE_LIMIT"
  | "CORS_ORIGIN_REJECTED"
  | "IP_REJECTED"
  | "SCHEME_REJECTED"
  | "TLS_ERROR"
  | "PAYLOAD_TOO_LARGE"
  | "DUPLICATE_IDENTITY";

/** Reports a security event (the server emits it as 'securityEvent', timestamped). */
export type ReportSecurityEvent = (
  type: SecurityEventType,
  identity: string | undefined,
  remoteAddress: string | undefined,
  reason: string,
  status?: number,
) => void;

/** One security-relevant event. Never carries credentials. */
export interface SecurityEvent {
  type: SecurityEventType;
  /** The station identity, when the request got far enough to name one. */
  identity: string | undefined;
  /** The peer's IP address. */
  remoteAddress: string | undefined;
  /** What happened, in words. */
  reason: string;
  /** The HTTP status sent, for refused upgrades. */
  status?: number;
  /** When it happened. */
  timestamp: Date;
}
