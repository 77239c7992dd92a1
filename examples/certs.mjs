// Throw-away certificates for the TLS examples (security profiles 2 and 3), made with the
// openssl command-line tool in a temp dir: a CA, a CSMS certificate for 127.0.0.1/localhost,
// and a station certificate whose CN is the station's identity. Never use these in production.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Makes the certificates and returns their file paths; the dir is removed when the process exits. */
export function makeCerts(stationIdentity = "CP001") {
  const dir = mkdtempSync(join(tmpdir(), "ocpp-ws-io-example-certs-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const openssl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  writeFileSync(
    join(dir, "ext.cnf"),
    "[server]\nsubjectAltName = IP:127.0.0.1, DNS:localhost\nextendedKeyUsage = serverAuth\n" +
      "[client]\nextendedKeyUsage = clientAuth\n",
  );
  // prettier-ignore
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "1",
    "-subj", "/CN=Example CSMS CA", "-keyout", "ca.key", "-out", "ca.pem");
  for (const [name, subject, ext] of [
    ["server", "/CN=localhost", "server"],
    ["client", `/O=Example CPO/CN=${stationIdentity}`, "client"],
  ]) {
    // prettier-ignore
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-subj", subject, "-keyout", `${name}.key`, "-out", `${name}.csr`);
    // prettier-ignore
    openssl("x509", "-req", "-sha256", "-days", "1", "-in", `${name}.csr`, "-CA", "ca.pem",
      "-CAkey", "ca.key", "-CAcreateserial", "-extfile", "ext.cnf", "-extensions", ext,
      "-out", `${name}.crt`);
  }
  return {
    ca: join(dir, "ca.pem"),
    serverCert: join(dir, "server.crt"),
    serverKey: join(dir, "server.key"),
    clientCert: join(dir, "client.crt"),
    clientKey: join(dir, "client.key"),
  };
}
