import type { Certificate, DetailedPeerCertificate, PeerCertificate } from "node:tls";

/**
 * A station's TLS client certificate (security profile 3), as `handshake.clientCertificate`.
 * OCPP asks the CSMS to check that `subject.O` contains the CPO name and `subject.CN` the
 * station's unique serial number (SWP A00.FR.404/405); the chain itself is verified by TLS.
 */
export interface ClientCertificateInfo {
  /** Subject attributes by short name: `CN`, `O`, `OU`, `C`, … */
  subject: Record<string, string>;
  /** Issuer attributes by short name. */
  issuer: Record<string, string>;
  /** Serial number, upper-case hex. */
  serialNumber: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex. */
  fingerprint256: string;
  /** SHA-1 fingerprint, colon-separated upper-case hex. */
  fingerprint: string;
  validFrom: Date;
  validTo: Date;
  /** The subjectAltName extension as OpenSSL prints it (`"DNS:a, IP Address:1.2.3.4"`). */
  subjectAltName: string | undefined;
  /** The DER-encoded certificate. */
  raw: Buffer;
}

/**
 * Flattens Node's attribute map. An attribute that occurs more than once (two `OU`s) becomes
 * its values joined with ", ", so an equality check against one value fails on such a
 * certificate rather than picking one of them arbitrarily.
 */
function attributes(names: Certificate | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!names) return out;
  for (const [key, value] of Object.entries(names)) {
    if (typeof value === "string") out[key] = value;
    else if (Array.isArray(value)) out[key] = value.join(", ");
  }
  return out;
}

/**
 * Describes the certificate `tlsSocket.getPeerCertificate()` returned, or `undefined` when the
 * peer presented none (Node then returns an empty object).
 *
 * @example
 * const info = describePeerCertificate(tlsSocket.getPeerCertificate());
 * if (info?.subject.CN !== serialNumber) reject(401, "Certificate identity mismatch");
 */
export function describePeerCertificate(
  cert: PeerCertificate | DetailedPeerCertificate | undefined,
): ClientCertificateInfo | undefined {
  if (!cert || !Buffer.isBuffer(cert.raw) || cert.raw.length === 0) return undefined;
  return {
    subject: attributes(cert.subject),
    issuer: attributes(cert.issuer),
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    fingerprint: cert.fingerprint,
    validFrom: new Date(cert.valid_from),
    validTo: new Date(cert.valid_to),
    subjectAltName: cert.subjectaltname,
    raw: cert.raw,
  };
}
