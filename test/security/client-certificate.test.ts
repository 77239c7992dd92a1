import { X509Certificate } from "node:crypto";
import type { PeerCertificate } from "node:tls";
import { describe, expect, it } from "vitest";
import {
  buildClientTlsOptions,
  buildServerTlsOptions,
  describePeerCertificate,
} from "../../src/security/index.js";
import { useTestPki } from "../helpers/test-pki.js";
import { tryHandshake } from "./tls-handshake.js";

const pki = useTestPki();

describe("describePeerCertificate", () => {
  it("describes the certificate a station presented over mutual TLS", async () => {
    const outcome = await tryHandshake(
      buildServerTlsOptions(3, {
        cert: pki.serverRsa.cert,
        key: pki.serverRsa.key,
        ca: pki.ca.cert,
      }),
      buildClientTlsOptions(3, { cert: pki.client.cert, key: pki.client.key, ca: pki.ca.cert }),
    );
    expect(outcome.accepted).toBe(true);

    const info = describePeerCertificate(outcome.peerCertificate);
    const x509 = new X509Certificate(pki.client.cert);
    expect(info).toBeDefined();
    expect(info?.subject.CN).toBe("CP001");
    expect(info?.subject.O).toBe("Test CPO");
    expect({ ...info?.subject }).toEqual({ O: "Test CPO", CN: "CP001" });
    expect(info?.issuer.CN).toBe("ocpp-ws-io Test CA");
    expect(info?.issuer.O).toBe("ocpp-ws-io tests");
    expect(info?.serialNumber).toBe(x509.serialNumber);
    expect(info?.fingerprint256).toBe(x509.fingerprint256);
    expect(info?.fingerprint).toBe(x509.fingerprint);
    expect(info?.validFrom.getTime()).toBe(new Date(x509.validFrom).getTime());
    expect(info?.validTo.getTime()).toBe(new Date(x509.validTo).getTime());
    expect(info?.validTo.getTime()).toBeGreaterThan(Date.now());
    expect(info?.raw.equals(x509.raw)).toBe(true);
  });

  it("returns undefined when the station presented no certificate", async () => {
    const outcome = await tryHandshake(
      buildServerTlsOptions(2, { cert: pki.serverRsa.cert, key: pki.serverRsa.key }),
      buildClientTlsOptions(2, { ca: pki.ca.cert }),
    );
    expect(outcome.accepted).toBe(true);
    expect(outcome.peerCertificate).toEqual({});
    expect(describePeerCertificate(outcome.peerCertificate)).toBeUndefined();
  });

  it("returns undefined for undefined", () => {
    expect(describePeerCertificate(undefined)).toBeUndefined();
  });

  it("gives the real validity dates of an expired certificate", () => {
    const cert = new X509Certificate(pki.expiredClient.cert);
    const info = describePeerCertificate(cert.toLegacyObject());
    expect(info?.validFrom.toISOString()).toBe("2020-01-01T00:00:00.000Z");
    expect(info?.validTo.toISOString()).toBe("2020-01-02T00:00:00.000Z");
  });

  it("joins the values of an attribute that occurs more than once", () => {
    const legacy = new X509Certificate(pki.client.cert).toLegacyObject();
    const multi: PeerCertificate = {
      ...legacy,
      subject: { ...legacy.subject, OU: ["Chargers", "Depot 7"] },
    };
    const info = describePeerCertificate(multi);
    expect(info?.subject.OU).toBe("Chargers, Depot 7");
    expect(info?.subject.CN).toBe("CP001");
  });

  it("carries the subjectAltName when there is one", () => {
    const info = describePeerCertificate(
      new X509Certificate(pki.serverEcdsa.cert).toLegacyObject(),
    );
    expect(info?.subjectAltName).toBe("IP Address:127.0.0.1, DNS:localhost");
    expect(info?.subject.CN).toBe("localhost");
  });
});
