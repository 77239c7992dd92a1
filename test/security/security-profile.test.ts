import { describe, expect, it } from "vitest";
import {
  SECURITY_PROFILES,
  SecurityProfile,
  checkClientSecurity,
  checkServerSecurity,
  isSecurityProfile,
  securityProfileRequirements,
} from "../../src/security/index.js";

const CERT = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n";

describe("SecurityProfile", () => {
  it("numbers the profiles 0–3 as OCPP does", () => {
    expect(SecurityProfile).toEqual({
      NONE: 0,
      BASIC_AUTH: 1,
      TLS_BASIC_AUTH: 2,
      TLS_CLIENT_CERT: 3,
    });
  });

  it("describes each profile's requirements as frozen data", () => {
    expect(SECURITY_PROFILES[0]).toMatchObject({ usesTls: false, requiresPassword: false });
    expect(SECURITY_PROFILES[1]).toMatchObject({ usesTls: false, requiresPassword: true });
    expect(SECURITY_PROFILES[2]).toMatchObject({
      usesTls: true,
      requiresPassword: true,
      requiresClientCertificate: false,
    });
    expect(SECURITY_PROFILES[3]).toMatchObject({
      usesTls: true,
      requiresPassword: false,
      requiresClientCertificate: true,
    });
    expect(Object.isFrozen(SECURITY_PROFILES)).toBe(true);
    expect(Object.isFrozen(SECURITY_PROFILES[3])).toBe(true);
  });

  it("recognises only 0, 1, 2 and 3", () => {
    expect([0, 1, 2, 3].every(isSecurityProfile)).toBe(true);
    expect([4, -1, "1", 1.5, undefined, null].some(isSecurityProfile)).toBe(false);
    expect(() => securityProfileRequirements(4)).toThrow(
      new RangeError("options.securityProfile must be 0, 1, 2 or 3 (SecurityProfile.*); got 4"),
    );
  });
});

describe("checkClientSecurity", () => {
  it("accepts each profile's documented configuration", () => {
    expect(() =>
      checkClientSecurity({ securityProfile: 0, endpoint: "ws://localhost:3000" }),
    ).not.toThrow();
    expect(() =>
      checkClientSecurity({ securityProfile: 1, endpoint: "ws://localhost:3000", password: "p" }),
    ).not.toThrow();
    expect(() =>
      checkClientSecurity({
        securityProfile: 2,
        endpoint: "wss://csms.example.com",
        password: Buffer.from([0, 1, 2]),
        tls: { ca: CERT },
      }),
    ).not.toThrow();
    expect(() =>
      checkClientSecurity({
        securityProfile: 3,
        endpoint: "wss://csms.example.com",
        tls: { cert: CERT, key: KEY },
      }),
    ).not.toThrow();
  });

  it("does not enforce a password length", () => {
    expect(() =>
      checkClientSecurity({
        securityProfile: 1,
        endpoint: "ws://h",
        password: "x".repeat(1000),
      }),
    ).not.toThrow();
  });

  it.each([2, 3] as const)("rejects a ws:// endpoint with profile %i", (securityProfile) => {
    const name = SECURITY_PROFILES[securityProfile].name;
    expect(() =>
      checkClientSecurity({
        securityProfile,
        endpoint: "ws://csms.example.com",
        password: "p",
        tls: { cert: CERT, key: KEY },
      }),
    ).toThrow(
      new TypeError(
        `options.endpoint must use wss:// with securityProfile ${securityProfile} (${name}); ` +
          `got "ws://csms.example.com"`,
      ),
    );
  });

  it.each([0, 1] as const)("rejects a wss:// endpoint with profile %i", (securityProfile) => {
    const name = SECURITY_PROFILES[securityProfile].name;
    expect(() =>
      checkClientSecurity({ securityProfile, endpoint: "wss://csms.example.com", password: "p" }),
    ).toThrow(
      new TypeError(
        `options.endpoint must use ws:// with securityProfile ${securityProfile} (${name}), ` +
          `which runs without TLS; use securityProfile 2 or 3 for wss://`,
      ),
    );
  });

  it("treats http:// and https:// like ws:// and wss://", () => {
    expect(() =>
      checkClientSecurity({ securityProfile: 2, endpoint: "https://h", password: "p" }),
    ).not.toThrow();
    expect(() =>
      checkClientSecurity({ securityProfile: 2, endpoint: "http://h", password: "p" }),
    ).toThrow(/options\.endpoint must use wss:\/\//);
  });

  it("rejects an endpoint that is not a ws(s) URL", () => {
    expect(() => checkClientSecurity({ securityProfile: 0, endpoint: "localhost:3000x" })).toThrow(
      new TypeError('options.endpoint must be a ws:// or wss:// URL; got "localhost:3000x"'),
    );
    expect(() => checkClientSecurity({ securityProfile: 0, endpoint: "not a url" })).toThrow(
      new TypeError('options.endpoint must be a ws:// or wss:// URL; got "not a url"'),
    );
  });

  it.each([
    [1, "ws://h"],
    [2, "wss://h"],
  ] as const)("requires a password with profile %i", (securityProfile, endpoint) => {
    const name = SECURITY_PROFILES[securityProfile].name;
    expect(() => checkClientSecurity({ securityProfile, endpoint })).toThrow(
      new TypeError(
        `options.password is required with securityProfile ${securityProfile} (${name})`,
      ),
    );
  });

  it("rejects an empty password, as a string or a Buffer", () => {
    for (const password of ["", Buffer.alloc(0)]) {
      expect(() =>
        checkClientSecurity({ securityProfile: 1, endpoint: "ws://h", password }),
      ).toThrow(new TypeError("options.password must not be empty"));
    }
  });

  it("rejects a password that is neither a string nor a Buffer", () => {
    expect(() =>
      checkClientSecurity({
        securityProfile: 1,
        endpoint: "ws://h",
        password: 1234 as unknown as string,
      }),
    ).toThrow(new TypeError("options.password must be a string or a Buffer"));
  });

  it("rejects a password with profile 0, which sends no credentials", () => {
    expect(() =>
      checkClientSecurity({ securityProfile: 0, endpoint: "ws://h", password: "p" }),
    ).toThrow(
      new TypeError(
        "options.password is set but securityProfile 0 (NONE) sends no credentials; " +
          "use securityProfile 1 or 2",
      ),
    );
  });

  it("allows a password alongside the client certificate with profile 3", () => {
    expect(() =>
      checkClientSecurity({
        securityProfile: 3,
        endpoint: "wss://h",
        password: "p",
        tls: { cert: CERT, key: KEY },
      }),
    ).not.toThrow();
  });

  it("requires tls.cert and tls.key with profile 3", () => {
    const base = { securityProfile: 3, endpoint: "wss://h" } as const;
    expect(() => checkClientSecurity(base)).toThrow(
      new TypeError(
        "options.tls.cert (the client certificate) is required with securityProfile 3 " +
          "(TLS_CLIENT_CERT)",
      ),
    );
    expect(() => checkClientSecurity({ ...base, tls: { cert: [], key: KEY } })).toThrow(
      /^options\.tls\.cert /,
    );
    expect(() => checkClientSecurity({ ...base, tls: { cert: CERT } })).toThrow(
      new TypeError(
        "options.tls.key (the client private key) is required with securityProfile 3 " +
          "(TLS_CLIENT_CERT)",
      ),
    );
    expect(() => checkClientSecurity({ ...base, tls: { cert: CERT, key: "" } })).toThrow(
      /^options\.tls\.key /,
    );
  });

  it("rejects an unknown profile with a RangeError", () => {
    expect(() =>
      checkClientSecurity({ securityProfile: 7 as SecurityProfile, endpoint: "ws://h" }),
    ).toThrow(RangeError);
  });
});

describe("checkServerSecurity", () => {
  it("accepts each profile's documented configuration", () => {
    expect(() => checkServerSecurity({ securityProfile: 0 })).not.toThrow();
    expect(() => checkServerSecurity({ securityProfile: 1 })).not.toThrow();
    expect(() =>
      checkServerSecurity({ securityProfile: 2, tls: { cert: CERT, key: KEY } }),
    ).not.toThrow();
    expect(() =>
      checkServerSecurity({
        securityProfile: 3,
        tls: { cert: [CERT, CERT], key: [KEY, KEY], ca: CERT },
      }),
    ).not.toThrow();
  });

  it.each([2, 3] as const)("requires tls.cert and tls.key with profile %i", (securityProfile) => {
    const what = `securityProfile ${securityProfile} (${SECURITY_PROFILES[securityProfile].name})`;
    expect(() => checkServerSecurity({ securityProfile })).toThrow(
      new TypeError(`options.tls.cert (the server certificate) is required with ${what}`),
    );
    expect(() => checkServerSecurity({ securityProfile, tls: { cert: CERT } })).toThrow(
      new TypeError(`options.tls.key (the server private key) is required with ${what}`),
    );
  });

  it("requires tls.ca with profile 3 to verify station certificates", () => {
    expect(() =>
      checkServerSecurity({ securityProfile: 3, tls: { cert: CERT, key: KEY } }),
    ).toThrow(
      new TypeError(
        "options.tls.ca (the CA that issues station certificates) is required with " +
          "securityProfile 3 (TLS_CLIENT_CERT)",
      ),
    );
  });

  it.each([0, 1] as const)("rejects a server certificate with profile %i", (securityProfile) => {
    const what = `securityProfile ${securityProfile} (${SECURITY_PROFILES[securityProfile].name})`;
    expect(() => checkServerSecurity({ securityProfile, tls: { cert: CERT, key: KEY } })).toThrow(
      new TypeError(
        `options.tls is set but ${what} serves plain ws://; use securityProfile 2 or 3 for TLS`,
      ),
    );
  });

  it("rejects an unknown profile with a RangeError", () => {
    expect(() => checkServerSecurity({ securityProfile: -1 as SecurityProfile })).toThrow(
      new RangeError("options.securityProfile must be 0, 1, 2 or 3 (SecurityProfile.*); got -1"),
    );
  });
});
