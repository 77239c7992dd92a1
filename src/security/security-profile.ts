import { hasPemMaterial, type TLSOptions } from "./tls-options.js";

/**
 * The OCPP security profiles (OCPP 1.6 Security Whitepaper ed. 2 §2, OCPP 2.0.1 Part 2 A00).
 * Profile 0 is not an OCPP profile: it is "no security", for development and trusted networks.
 *
 * @example
 * new OCPPClient({ endpoint: "wss://csms.example.com", identity: "CP001",
 *   securityProfile: SecurityProfile.TLS_BASIC_AUTH, password: "0123456789abcdef" });
 */
export const SecurityProfile = {
  NONE: 0,
  BASIC_AUTH: 1,
  TLS_BASIC_AUTH: 2,
  TLS_CLIENT_CERT: 3,
} as const;
export type SecurityProfile = (typeof SecurityProfile)[keyof typeof SecurityProfile];

/** What a profile requires (and, by `usesTls: false`, forbids) of a connection. */
export interface SecurityProfileRequirements {
  /** The constant's name, for messages: `"TLS_BASIC_AUTH"`. */
  readonly name: keyof typeof SecurityProfile;
  /** The connection runs over TLS (`wss://`); a profile without TLS uses plain `ws://`. */
  readonly usesTls: boolean;
  /** The station sends HTTP Basic auth with a password (username = identity). */
  readonly requiresPassword: boolean;
  /** The station may send a password at all. */
  readonly allowsPassword: boolean;
  /** The station authenticates with a TLS client certificate. */
  readonly requiresClientCertificate: boolean;
}

/**
 * Profiles as data (SWP ed. 2 Table 2). Profile 3 does not require Basic auth but allows it:
 * some CSMSs ask for both, and sending it over TLS weakens nothing.
 */
export const SECURITY_PROFILES: Readonly<Record<SecurityProfile, SecurityProfileRequirements>> =
  Object.freeze({
    0: Object.freeze({
      name: "NONE",
      usesTls: false,
      requiresPassword: false,
      allowsPassword: false,
      requiresClientCertificate: false,
    }),
    1: Object.freeze({
      name: "BASIC_AUTH",
      usesTls: false,
      requiresPassword: true,
      allowsPassword: true,
      requiresClientCertificate: false,
    }),
    2: Object.freeze({
      name: "TLS_BASIC_AUTH",
      usesTls: true,
      requiresPassword: true,
      allowsPassword: true,
      requiresClientCertificate: false,
    }),
    3: Object.freeze({
      name: "TLS_CLIENT_CERT",
      usesTls: true,
      requiresPassword: false,
      allowsPassword: true,
      requiresClientCertificate: true,
    }),
  } as const);

/** `true` for 0, 1, 2 and 3. */
export function isSecurityProfile(value: unknown): value is SecurityProfile {
  return value === 0 || value === 1 || value === 2 || value === 3;
}

/**
 * The requirements of a profile; a RangeError naming `options.securityProfile` for anything
 * that is not 0–3.
 */
export function securityProfileRequirements(profile: unknown): SecurityProfileRequirements {
  if (!isSecurityProfile(profile)) {
    throw new RangeError(
      `options.securityProfile must be 0, 1, 2 or 3 (SecurityProfile.*); got ${String(profile)}`,
    );
  }
  return SECURITY_PROFILES[profile];
}

/** `"securityProfile 2 (TLS_BASIC_AUTH)"`, for error messages. */
export function describeSecurityProfile(profile: SecurityProfile): string {
  return `securityProfile ${profile} (${SECURITY_PROFILES[profile].name})`;
}

export interface ClientSecurityOptions {
  securityProfile: SecurityProfile;
  endpoint: string;
  password?: string | Buffer | undefined;
  tls?: TLSOptions | undefined;
}

function endpointUsesTls(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (err) {
    throw new TypeError(`options.endpoint must be a ws:// or wss:// URL; got "${endpoint}"`, {
      cause: err,
    });
  }
  // `ws` also accepts http(s):, which it treats as ws(s):.
  if (url.protocol === "wss:" || url.protocol === "https:") return true;
  if (url.protocol === "ws:" || url.protocol === "http:") return false;
  throw new TypeError(`options.endpoint must be a ws:// or wss:// URL; got "${endpoint}"`);
}

/**
 * Checks a client's options against its declared security profile and throws a TypeError
 * naming the option at the first mismatch:
 * - profiles 2 and 3 need a `wss://` endpoint;
 * - profiles 0 and 1 need a `ws://` endpoint: OCPP defines them without TLS, and a `wss://`
 *   endpoint would silently give a connection other than the declared one;
 * - profiles 1 and 2 need a non-empty `password`; profile 0 sends no credentials, so a password
 *   there is an error rather than something silently dropped or silently sent;
 * - profile 3 needs `tls.cert` and `tls.key`.
 * The password's length is not enforced (SWP A00.FR.205 asks 16–20 bytes, 2.0.1 16–40 chars):
 * that is the CSMS's policy, and existing deployments differ.
 *
 * @example
 * checkClientSecurity({ securityProfile: SecurityProfile.BASIC_AUTH,
 *   endpoint: "ws://localhost:3000", password: "my-secret-password" }); // ok
 * checkClientSecurity({ securityProfile: 2, endpoint: "ws://localhost:3000", password: "x" });
 * // TypeError: options.endpoint must use wss:// with securityProfile 2 (TLS_BASIC_AUTH) ...
 */
export function checkClientSecurity(options: ClientSecurityOptions): void {
  const profile = options.securityProfile;
  const req = securityProfileRequirements(profile);
  const what = describeSecurityProfile(profile);
  const tls = endpointUsesTls(options.endpoint);

  if (req.usesTls && !tls) {
    throw new TypeError(`options.endpoint must use wss:// with ${what}; got "${options.endpoint}"`);
  }
  if (!req.usesTls && tls) {
    throw new TypeError(
      `options.endpoint must use ws:// with ${what}, which runs without TLS; ` +
        `use securityProfile 2 or 3 for wss://`,
    );
  }

  const { password } = options;
  if (password !== undefined) {
    if (typeof password !== "string" && !Buffer.isBuffer(password)) {
      throw new TypeError("options.password must be a string or a Buffer");
    }
    if (password.length === 0) throw new TypeError("options.password must not be empty");
    if (!req.allowsPassword) {
      throw new TypeError(
        `options.password is set but ${what} sends no credentials; use securityProfile 1 or 2`,
      );
    }
  } else if (req.requiresPassword) {
    throw new TypeError(`options.password is required with ${what}`);
  }

  checkClientCertificate(profile, options.tls);
}

/**
 * Throws a TypeError naming `options.tls.cert` or `options.tls.key` when `profile` needs a
 * client certificate and `tls` lacks one. Part of {@link checkClientSecurity}.
 */
export function checkClientCertificate(
  profile: SecurityProfile,
  tls: TLSOptions | undefined,
): void {
  if (!securityProfileRequirements(profile).requiresClientCertificate) return;
  const what = describeSecurityProfile(profile);
  if (!hasPemMaterial(tls?.cert)) {
    throw new TypeError(`options.tls.cert (the client certificate) is required with ${what}`);
  }
  if (!hasPemMaterial(tls?.key)) {
    throw new TypeError(`options.tls.key (the client private key) is required with ${what}`);
  }
}

export interface ServerSecurityOptions {
  securityProfile: SecurityProfile;
  tls?: TLSOptions | undefined;
}

/**
 * Checks a server's options against its security profile and throws a TypeError naming the
 * option at the first mismatch: profiles 2 and 3 need `tls.cert` and `tls.key`; profile 3 also
 * needs `tls.ca` to verify station certificates (SWP A00.FR.403); profiles 0 and 1 serve plain
 * `ws://`, so a `tls.cert`/`tls.key` there is an error rather than silently unused.
 *
 * @example
 * checkServerSecurity({ securityProfile: SecurityProfile.TLS_CLIENT_CERT,
 *   tls: { cert, key, ca } }); // ok
 */
export function checkServerSecurity(options: ServerSecurityOptions): void {
  const profile = options.securityProfile;
  const req = securityProfileRequirements(profile);
  const what = describeSecurityProfile(profile);
  const tls = options.tls;

  if (!req.usesTls) {
    if (hasPemMaterial(tls?.cert) || hasPemMaterial(tls?.key)) {
      throw new TypeError(
        `options.tls is set but ${what} serves plain ws://; use securityProfile 2 or 3 for TLS`,
      );
    }
    return;
  }
  if (!hasPemMaterial(tls?.cert)) {
    throw new TypeError(`options.tls.cert (the server certificate) is required with ${what}`);
  }
  if (!hasPemMaterial(tls?.key)) {
    throw new TypeError(`options.tls.key (the server private key) is required with ${what}`);
  }
  if (req.requiresClientCertificate && !hasPemMaterial(tls?.ca)) {
    throw new TypeError(
      `options.tls.ca (the CA that issues station certificates) is required with ${what}`,
    );
  }
}
