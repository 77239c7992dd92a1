import type { ServerOptions } from "node:https";
import type { SecureVersion } from "node:tls";
import {
  checkClientCertificate,
  checkServerSecurity,
  describeSecurityProfile,
  securityProfileRequirements,
  type SecurityProfile,
} from "./security-profile.js";
import type { PemInput, TLSOptions } from "./tls-options.js";

/** OCPP's floor (SWP A00.FR.312/416, 2.0.1 A00.FR.313). */
export const DEFAULT_MIN_TLS_VERSION: SecureVersion = "TLSv1.2";

/** The TLS part of the `ws` client options (assignable to `ws.ClientOptions`). */
export interface ClientTlsOptions {
  ca?: PemInput;
  cert?: PemInput;
  key?: PemInput;
  passphrase?: string;
  ciphers?: string;
  crl?: PemInput;
  minVersion: SecureVersion;
  rejectUnauthorized: boolean;
}

function requireTlsProfile(fn: string, profile: SecurityProfile): void {
  if (!securityProfileRequirements(profile).usesTls) {
    throw new RangeError(
      `${fn}() needs securityProfile 2 or 3; ${describeSecurityProfile(profile)} uses no TLS`,
    );
  }
}

/** Drops `undefined` fields, so they never override Node's defaults when spread. */
function definedOnly<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The `https.createServer()` options for a profile-2 or profile-3 server (checked with
 * {@link checkServerSecurity} first). TLS 1.2 is the floor unless `tls.minVersion` says
 * otherwise. Profile 3 requests a client certificate and refuses, during the TLS handshake,
 * one that does not chain to `tls.ca` or has expired (SWP A00.FR.403/407), unless
 * `tls.rejectUnauthorized` is explicitly `false`.
 *
 * @example
 * const server = https.createServer(
 *   buildServerTlsOptions(SecurityProfile.TLS_CLIENT_CERT, {
 *     cert: [rsaCert, ecdsaCert], key: [rsaKey, ecdsaKey], ca: stationCa,
 *   }),
 * );
 */
export function buildServerTlsOptions(profile: SecurityProfile, tls: TLSOptions): ServerOptions {
  requireTlsProfile("buildServerTlsOptions", profile);
  checkServerSecurity({ securityProfile: profile, tls });
  const out: ServerOptions = {
    ...definedOnly({
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      passphrase: tls.passphrase,
      ciphers: tls.ciphers,
      crl: tls.crl,
    }),
    minVersion: tls.minVersion ?? DEFAULT_MIN_TLS_VERSION,
  };
  if (securityProfileRequirements(profile).requiresClientCertificate) {
    out.requestCert = true;
    out.rejectUnauthorized = tls.rejectUnauthorized !== false;
  } else {
    // Profile 2 authenticates stations with Basic auth (SWP Table 2). This is Node's default,
    // set explicitly so these options win when spread over others.
    out.requestCert = false;
  }
  return out;
}

/**
 * The TLS options a profile-2 or profile-3 client hands to `ws`: the trusted `ca`, the client
 * certificate and key (required for profile 3), TLS 1.2 as the floor unless `tls.minVersion`
 * says otherwise, and server verification on unless `tls.rejectUnauthorized` is explicitly
 * `false` (SWP A00.FR.307/411).
 *
 * @example
 * new WebSocket("wss://csms.example.com/CP001", ["ocpp2.0.1"], {
 *   ...buildClientTlsOptions(SecurityProfile.TLS_CLIENT_CERT, { cert, key, ca }),
 * });
 */
export function buildClientTlsOptions(
  profile: SecurityProfile,
  tls: TLSOptions | undefined,
): ClientTlsOptions {
  requireTlsProfile("buildClientTlsOptions", profile);
  checkClientCertificate(profile, tls);
  const given = tls ?? {};
  return {
    ...definedOnly({
      ca: given.ca,
      cert: given.cert,
      key: given.key,
      passphrase: given.passphrase,
      ciphers: given.ciphers,
      crl: given.crl,
    }),
    minVersion: given.minVersion ?? DEFAULT_MIN_TLS_VERSION,
    rejectUnauthorized: given.rejectUnauthorized !== false,
  };
}
