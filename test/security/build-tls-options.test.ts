import tls from "node:tls";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buildClientTlsOptions,
  buildServerTlsOptions,
  SecurityProfile,
} from "../../src/security/index.js";
import { useTestPki } from "../helpers/test-pki.js";
import { tryHandshake } from "./tls-handshake.js";

const pki = useTestPki();

const CERT = "cert-pem";
const KEY = "key-pem";

describe("buildServerTlsOptions", () => {
  it("passes the certificate material through and sets TLS 1.2 as the floor", () => {
    const crl = "crl-pem";
    expect(
      buildServerTlsOptions(SecurityProfile.TLS_BASIC_AUTH, {
        cert: [CERT, "ec-cert"],
        key: [KEY, "ec-key"],
        passphrase: "pw",
        ciphers: "HIGH",
        crl,
      }),
    ).toEqual({
      cert: [CERT, "ec-cert"],
      key: [KEY, "ec-key"],
      passphrase: "pw",
      ciphers: "HIGH",
      crl,
      minVersion: "TLSv1.2",
      requestCert: false,
    });
  });

  it("keeps an explicit minVersion, stricter or (for legacy 1.6 stations) older", () => {
    const opts = (minVersion: "TLSv1.3" | "TLSv1") =>
      buildServerTlsOptions(2, { cert: CERT, key: KEY, minVersion }).minVersion;
    expect(opts("TLSv1.3")).toBe("TLSv1.3");
    expect(opts("TLSv1")).toBe("TLSv1");
  });

  it("requests and verifies client certificates with profile 3", () => {
    const opts = buildServerTlsOptions(SecurityProfile.TLS_CLIENT_CERT, {
      cert: CERT,
      key: KEY,
      ca: "ca-pem",
    });
    expect(opts).toMatchObject({ ca: "ca-pem", requestCert: true, rejectUnauthorized: true });
  });

  it("leaves unauthorized client certificates to auth() only when asked explicitly", () => {
    const build = (rejectUnauthorized: boolean | undefined) =>
      buildServerTlsOptions(3, { cert: CERT, key: KEY, ca: "ca", rejectUnauthorized })
        .rejectUnauthorized;
    expect(build(false)).toBe(false);
    expect(build(true)).toBe(true);
    expect(build(undefined)).toBe(true);
  });

  it("does not put undefined fields over Node's defaults", () => {
    const opts = buildServerTlsOptions(2, { cert: CERT, key: KEY, ca: undefined });
    expect(Object.keys(opts).sort()).toEqual(["cert", "key", "minVersion", "requestCert"]);
  });

  it("checks the options like checkServerSecurity", () => {
    expect(() => buildServerTlsOptions(3, { cert: CERT, key: KEY })).toThrow(
      /^options\.tls\.ca \(the CA that issues station certificates\) is required/,
    );
    expect(() => buildServerTlsOptions(2, { cert: CERT })).toThrow(/^options\.tls\.key /);
  });

  it.each([0, 1] as const)("refuses profile %i, which uses no TLS", (profile) => {
    expect(() => buildServerTlsOptions(profile, { cert: CERT, key: KEY })).toThrow(
      new RangeError(
        `buildServerTlsOptions() needs securityProfile 2 or 3; securityProfile ${profile} ` +
          `(${profile === 0 ? "NONE" : "BASIC_AUTH"}) uses no TLS`,
      ),
    );
  });
});

describe("buildClientTlsOptions", () => {
  it("verifies the server with TLS 1.2 as the floor by default", () => {
    expect(buildClientTlsOptions(SecurityProfile.TLS_BASIC_AUTH, { ca: "ca" })).toEqual({
      ca: "ca",
      minVersion: "TLSv1.2",
      rejectUnauthorized: true,
    });
    expect(buildClientTlsOptions(2, undefined)).toEqual({
      minVersion: "TLSv1.2",
      rejectUnauthorized: true,
    });
  });

  it("turns server verification off only when rejectUnauthorized is explicitly false", () => {
    expect(buildClientTlsOptions(2, { rejectUnauthorized: false }).rejectUnauthorized).toBe(false);
    expect(buildClientTlsOptions(2, { rejectUnauthorized: true }).rejectUnauthorized).toBe(true);
  });

  it("sends the client certificate with profile 3", () => {
    expect(
      buildClientTlsOptions(SecurityProfile.TLS_CLIENT_CERT, {
        cert: CERT,
        key: KEY,
        ca: "ca",
        passphrase: "pw",
        minVersion: "TLSv1.3",
      }),
    ).toEqual({
      cert: CERT,
      key: KEY,
      ca: "ca",
      passphrase: "pw",
      minVersion: "TLSv1.3",
      rejectUnauthorized: true,
    });
  });

  it("requires the client certificate with profile 3", () => {
    expect(() => buildClientTlsOptions(3, { ca: "ca" })).toThrow(
      new TypeError(
        "options.tls.cert (the client certificate) is required with securityProfile 3 " +
          "(TLS_CLIENT_CERT)",
      ),
    );
  });

  it.each([0, 1] as const)("refuses profile %i, which uses no TLS", (profile) => {
    expect(() => buildClientTlsOptions(profile, {})).toThrow(
      /^buildClientTlsOptions\(\) needs securityProfile 2 or 3; /,
    );
  });
});

describe("TLS options over a real handshake", () => {
  const serverTls = () => ({
    cert: [pki.serverRsa.cert, pki.serverEcdsa.cert],
    key: [pki.serverRsa.key, pki.serverEcdsa.key],
    ca: pki.ca.cert,
  });

  it("profile 3 accepts a station certificate issued by the trusted CA", async () => {
    const outcome = await tryHandshake(
      buildServerTlsOptions(3, serverTls()),
      buildClientTlsOptions(3, { cert: pki.client.cert, key: pki.client.key, ca: pki.ca.cert }),
    );
    expect(outcome.serverError).toBeUndefined();
    expect(outcome.clientError).toBeUndefined();
    expect(outcome.accepted).toBe(true);
    expect(outcome.serverAuthorized).toBe(true);
    expect(outcome.serverAuthorizationError).toBeNull();
    expect(outcome.peerCertificate?.subject.CN).toBe("CP001");
  });

  // Node completes the TLS exchange, then destroys a socket whose client certificate failed
  // verification before 'secureConnection': the server sees only a hang-up, so the reason is
  // checked separately below with rejectUnauthorized false.
  it.each([
    ["from an untrusted CA", () => pki.untrustedClient],
    ["that has expired", () => pki.expiredClient],
  ])("profile 3 refuses a station certificate %s", async (_what, station) => {
    const { cert, key } = station();
    const outcome = await tryHandshake(
      buildServerTlsOptions(3, serverTls()),
      buildClientTlsOptions(3, { cert, key, ca: pki.ca.cert }),
    );
    expect(outcome.accepted).toBe(false);
    expect(outcome.serverAccepted).toBe(false);
    expect(outcome.serverError).toBeInstanceOf(Error);
  });

  it("profile 3 refuses a station that presents no certificate", async () => {
    const outcome = await tryHandshake(
      buildServerTlsOptions(3, serverTls()),
      buildClientTlsOptions(2, { ca: pki.ca.cert }),
    );
    expect(outcome.accepted).toBe(false);
    expect(outcome.serverAccepted).toBe(false);
    expect(outcome.serverError?.message).toMatch(/peer did not return a certificate/i);
  });

  it.each([
    ["from an untrusted CA", () => pki.untrustedClient, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
    ["that has expired", () => pki.expiredClient, "CERT_HAS_EXPIRED"],
  ])(
    "profile 3 with rejectUnauthorized false lets a certificate %s through, flagged",
    async (_what, station, code) => {
      const { cert, key } = station();
      const outcome = await tryHandshake(
        buildServerTlsOptions(3, { ...serverTls(), rejectUnauthorized: false }),
        buildClientTlsOptions(3, { cert, key, ca: pki.ca.cert }),
      );
      expect(outcome.accepted).toBe(true);
      expect(outcome.serverAuthorized).toBe(false);
      expect(outcome.serverAuthorizationError).toBe(code);
    },
  );

  describe("with a TLS 1.1 client", () => {
    // OpenSSL 3 refuses TLS < 1.2 at its default security level, and Node's own default
    // minimum is TLS 1.2. Both are lowered here, so that the minVersion these options set is
    // the only thing that can refuse the client.
    const LEGACY_CIPHERS = "DEFAULT:@SECLEVEL=0";
    const legacyClient = () => ({
      ...buildClientTlsOptions(2, { ca: pki.ca.cert }),
      minVersion: "TLSv1" as const,
      maxVersion: "TLSv1.1" as const,
      ciphers: LEGACY_CIPHERS,
    });
    let savedDefault: tls.SecureVersion;
    beforeEach(() => {
      savedDefault = tls.DEFAULT_MIN_VERSION;
      tls.DEFAULT_MIN_VERSION = "TLSv1";
    });
    afterEach(() => {
      tls.DEFAULT_MIN_VERSION = savedDefault;
    });

    it("the server refuses it by default (SWP A00.FR.312/314)", async () => {
      const outcome = await tryHandshake(
        buildServerTlsOptions(2, { ...serverTls(), ciphers: LEGACY_CIPHERS }),
        legacyClient(),
      );
      expect(outcome.accepted).toBe(false);
      expect(outcome.serverError?.message).toMatch(/unsupported protocol/i);
    });

    it("the server accepts it when minVersion TLSv1 is set explicitly", async () => {
      const outcome = await tryHandshake(
        buildServerTlsOptions(2, { ...serverTls(), ciphers: LEGACY_CIPHERS, minVersion: "TLSv1" }),
        legacyClient(),
      );
      expect(outcome.accepted).toBe(true);
      expect(outcome.protocol).toBe("TLSv1.1");
    });
  });

  it("negotiates TLS 1.2 or newer by default", async () => {
    const outcome = await tryHandshake(
      buildServerTlsOptions(2, serverTls()),
      buildClientTlsOptions(2, { ca: pki.ca.cert }),
    );
    expect(outcome.accepted).toBe(true);
    expect(["TLSv1.2", "TLSv1.3"]).toContain(outcome.protocol);
  });

  it("the client refuses a server its ca does not vouch for", async () => {
    const outcome = await tryHandshake(
      buildServerTlsOptions(2, serverTls()),
      buildClientTlsOptions(2, { ca: pki.untrustedCa.cert }),
    );
    expect(outcome.accepted).toBe(false);
    // The server sends its chain up to the root, which this client does not trust.
    expect(outcome.clientError?.message).toMatch(
      /self-signed certificate in certificate chain|unable to get local issuer certificate/i,
    );
  });

  // SWP A00.FR.317: the CSMS must offer TLS_ECDHE_ECDSA_* and TLS_RSA_* suites, so it serves
  // an ECDSA and an RSA certificate side by side and OpenSSL picks per handshake.
  it.each([
    ["ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ec"],
    ["ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ec"],
    ["AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "rsa"],
    ["AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", "rsa"],
  ])("serves %s with the matching certificate", async (ciphers, standardName, keyType) => {
    const outcome = await tryHandshake(buildServerTlsOptions(2, serverTls()), {
      ...buildClientTlsOptions(2, { ca: pki.ca.cert, ciphers }),
      maxVersion: "TLSv1.2",
    });
    expect(outcome.accepted).toBe(true);
    expect(outcome.cipher?.standardName).toBe(standardName);
    expect(outcome.serverCertificate?.publicKey.asymmetricKeyType).toBe(keyType);
  });
});
