/**
 * A throw-away PKI for TLS tests, made with the `openssl` CLI in a fresh temp dir:
 * a trusted RSA CA, RSA and ECDSA server certificates for 127.0.0.1/localhost (a CSMS needs
 * both, SWP A00.FR.317), a station certificate, one from an untrusted CA and an expired one.
 * Generated once per process (per test file under vitest's forks pool).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const OPENSSL = "openssl";

export interface CertAndKey {
  /** PEM certificate. */
  cert: string;
  /** PEM private key (unencrypted). */
  key: string;
}

export interface TestPki {
  /** The temp dir holding the files (removed by `cleanup()`). */
  dir: string;
  /** The trusted CA (RSA 2048); its `cert` is what servers and clients put in `ca`. */
  ca: CertAndKey;
  /** Server certificate with an RSA 2048 key, SAN `IP:127.0.0.1, DNS:localhost`. */
  serverRsa: CertAndKey;
  /** Server certificate with an ECDSA P-256 key, same SAN. */
  serverEcdsa: CertAndKey;
  /** Station certificate `O=Test CPO, CN=CP001` (ECDSA P-256), signed by `ca`. */
  client: CertAndKey;
  /** A second CA nobody trusts. */
  untrustedCa: CertAndKey;
  /** Station certificate `CN=CP001` signed by `untrustedCa`. */
  untrustedClient: CertAndKey;
  /** Station certificate `CN=CP001` signed by `ca`, valid 2020-01-01 to 2020-01-02 only. */
  expiredClient: CertAndKey;
  /** Issues another station certificate from `ca`. */
  issueClientCert(cn: string, organization?: string): Promise<CertAndKey>;
  /** Removes the temp dir; the next `makeTestPki()` generates afresh. */
  cleanup(): Promise<void>;
}

const CONFIG = `
[ req ]
distinguished_name = req_dn
x509_extensions = v3_ca
[ req_dn ]
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
[ client_ext ]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
[ policy_any ]
organizationName = optional
commonName = supplied
`;

type KeyType = "rsa" | "ec";

function keyArgs(type: KeyType): string[] {
  return type === "rsa"
    ? ["-newkey", "rsa:2048"]
    : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run(OPENSSL, args, { cwd: dir });
}

async function readPair(dir: string, name: string): Promise<CertAndKey> {
  const [cert, key] = await Promise.all([
    readFile(join(dir, `${name}.crt`), "utf8"),
    readFile(join(dir, `${name}.key`), "utf8"),
  ]);
  return { cert, key };
}

async function selfSignedCa(dir: string, name: string, type: KeyType, subject: string) {
  // prettier-ignore
  await openssl(dir, [
    "req", "-x509", "-config", "openssl.cnf", ...keyArgs(type), "-nodes", "-sha256",
    "-days", "2", "-subj", subject, "-keyout", `${name}.key`, "-out", `${name}.crt`,
  ]);
}

async function request(dir: string, name: string, type: KeyType, subject: string) {
  // prettier-ignore
  await openssl(dir, [
    "req", "-new", "-config", "openssl.cnf", ...keyArgs(type), "-nodes", "-subj", subject,
    "-keyout", `${name}.key`, "-out", `${name}.csr`,
  ]);
}

async function sign(dir: string, name: string, ca: string, extensions: string) {
  // prettier-ignore
  await openssl(dir, [
    "x509", "-req", "-sha256", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`,
    "-set_serial", "0x" + randomBytes(8).toString("hex"), "-days", "2",
    "-extfile", "openssl.cnf", "-extensions", extensions, "-out", `${name}.crt`,
  ]);
}

/**
 * OpenSSL 3.0's `x509` has no -not_before/-not_after (3.4 added them); `openssl ca` takes
 * explicit dates, so this is a well-formed certificate that expired in 2020.
 */
async function signExpired(dir: string, name: string, ca: string) {
  // prettier-ignore
  await openssl(dir, [
    "ca", "-batch", "-config", "openssl.cnf", "-cert", `${ca}.crt`, "-keyfile", `${ca}.key`,
    "-in", `${name}.csr`, "-out", `${name}.crt`, "-notext", "-extensions", "client_ext",
    "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
  ]);
}

async function generate(forget: () => void): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), "ocpp-ws-io-pki-"));
  // If a test file forgets cleanup(), the dir still goes when the process ends.
  const removeOnExit = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeOnExit);

  await Promise.all([
    writeFile(join(dir, "openssl.cnf"), CONFIG),
    writeFile(join(dir, "index.txt"), ""),
    writeFile(join(dir, "serial"), randomBytes(8).toString("hex") + "\n"),
    mkdir(join(dir, "issued")),
  ]);
  await Promise.all([
    selfSignedCa(dir, "ca", "rsa", "/O=ocpp-ws-io tests/CN=ocpp-ws-io Test CA"),
    selfSignedCa(dir, "untrusted-ca", "ec", "/O=Mallory/CN=Untrusted CA"),
    request(dir, "server-rsa", "rsa", "/CN=localhost"),
    request(dir, "server-ecdsa", "ec", "/CN=localhost"),
    request(dir, "client", "ec", "/O=Test CPO/CN=CP001"),
    request(dir, "untrusted-client", "ec", "/O=Test CPO/CN=CP001"),
    request(dir, "expired-client", "ec", "/O=Test CPO/CN=CP001"),
  ]);
  await Promise.all([
    sign(dir, "server-rsa", "ca", "server_ext"),
    sign(dir, "server-ecdsa", "ca", "server_ext"),
    sign(dir, "client", "ca", "client_ext"),
    sign(dir, "untrusted-client", "untrusted-ca", "client_ext"),
    signExpired(dir, "expired-client", "ca"),
  ]);

  const names = [
    "ca",
    "server-rsa",
    "server-ecdsa",
    "client",
    "untrusted-ca",
    "untrusted-client",
    "expired-client",
  ] as const;
  const pairs = await Promise.all(names.map((n) => readPair(dir, n)));
  const [ca, serverRsa, serverEcdsa, client, untrustedCa, untrustedClient, expiredClient] =
    pairs as [CertAndKey, CertAndKey, CertAndKey, CertAndKey, CertAndKey, CertAndKey, CertAndKey];

  let issued = 0;
  return {
    dir,
    ca,
    serverRsa,
    serverEcdsa,
    client,
    untrustedCa,
    untrustedClient,
    expiredClient,
    async issueClientCert(cn, organization = "Test CPO") {
      const name = `extra-${++issued}`;
      await request(dir, name, "ec", `/O=${organization}/CN=${cn}`);
      await sign(dir, name, "ca", "client_ext");
      return readPair(dir, name);
    },
    async cleanup() {
      forget();
      process.removeListener("exit", removeOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let cached: Promise<TestPki> | undefined;

/**
 * The test PKI, generated on first use and shared by every later call in this process.
 *
 * @example
 * const pki = await makeTestPki();
 * https.createServer({ cert: pki.serverRsa.cert, key: pki.serverRsa.key });
 * afterAll(() => pki.cleanup());
 */
export function makeTestPki(): Promise<TestPki> {
  if (!cached) {
    const pending: Promise<TestPki> = generate(() => {
      if (cached === pending) cached = undefined;
    });
    cached = pending;
    // A failed generation is not kept, so the next caller retries.
    pending.catch(() => {
      if (cached === pending) cached = undefined;
    });
  }
  return cached;
}
