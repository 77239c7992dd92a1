import type { SecureVersion } from "node:tls";

/**
 * PEM material as Node's TLS takes it. An array carries several certificates or keys: on the
 * server an RSA and an ECDSA pair side by side, which OCPP needs (SWP A00.FR.317/421: the CSMS
 * must offer both `TLS_ECDHE_ECDSA_*` and `TLS_RSA_*` suites).
 */
export type PemInput = string | Buffer | Array<string | Buffer>;

/**
 * The `tls` option of `OCPPClient` and `OCPPServer`.
 *
 * @example
 * const tls: TLSOptions = {
 *   cert: [rsaCertPem, ecdsaCertPem],
 *   key: [rsaKeyPem, ecdsaKeyPem],
 *   ca: caPem, // profile 3: the CA that issues station certificates
 * };
 */
export interface TLSOptions {
  /** Own certificate chain(s) in PEM. */
  cert?: PemInput;
  /** Own private key(s) in PEM, in the same order as `cert`. */
  key?: PemInput;
  /** Trusted CA certificates in PEM (replaces Node's default roots when given). */
  ca?: PemInput;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
  /**
   * Verify the peer's certificate (default `true`). On a profile-3 server, `false` lets
   * connections with bad client certificates reach `auth()` for a decision there.
   */
  rejectUnauthorized?: boolean;
  /**
   * Lowest TLS version accepted; default `"TLSv1.2"` (SWP A00.FR.312). An explicit older
   * version is honoured: OCPP 1.6 allows TLS 1.0/1.1 for legacy stations.
   */
  minVersion?: SecureVersion;
  /** OpenSSL cipher list; Node's default already contains the four OCPP suites. */
  ciphers?: string;
  /** Certificate revocation lists in PEM. */
  crl?: PemInput;
}

/** `true` when `value` holds at least one non-empty PEM string or buffer, and no empty one. */
export function hasPemMaterial(value: PemInput | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0 && value.every((v) => v.length > 0);
  return value.length > 0;
}
