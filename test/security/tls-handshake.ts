/**
 * One real TLS handshake on 127.0.0.1 (port 0): a `tls` server with the given options answers
 * "ok" to every connection it accepts; the outcome says what each side saw.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import type { X509Certificate } from "node:crypto";

export interface HandshakeOutcome {
  /** The client read the server's "ok": the connection was fully accepted. */
  accepted: boolean;
  /** The server emitted `secureConnection`: the connection reached the application. */
  serverAccepted: boolean;
  /** What the server's `tlsClientError` reported, if the handshake failed there. */
  serverError: Error | undefined;
  /** The client socket's error, if any. */
  clientError: Error | undefined;
  /** On acceptance: the server's view of the client certificate. */
  peerCertificate: tls.DetailedPeerCertificate | undefined;
  /** On acceptance: whether the server deemed the client certificate valid. */
  serverAuthorized: boolean | undefined;
  /** On acceptance: the server's `authorizationError` (an OpenSSL code string), if any. */
  serverAuthorizationError: unknown;
  /** The server certificate the client saw (after the handshake). */
  serverCertificate: X509Certificate | undefined;
  /** The negotiated TLS version and cipher, as the client saw them. */
  protocol: string | null | undefined;
  cipher: tls.CipherNameAndProtocol | undefined;
}

export async function tryHandshake(
  serverOptions: tls.TlsOptions,
  clientOptions: tls.ConnectionOptions,
): Promise<HandshakeOutcome> {
  const server = tls.createServer(serverOptions);
  const outcome: HandshakeOutcome = {
    accepted: false,
    serverAccepted: false,
    serverError: undefined,
    clientError: undefined,
    peerCertificate: undefined,
    serverAuthorized: undefined,
    serverAuthorizationError: undefined,
    serverCertificate: undefined,
    protocol: undefined,
    cipher: undefined,
  };
  server.on("secureConnection", (socket) => {
    outcome.serverAccepted = true;
    outcome.peerCertificate = socket.getPeerCertificate(true);
    outcome.serverAuthorized = socket.authorized;
    // Typed as Error, but Node sets the OpenSSL code as a string.
    outcome.serverAuthorizationError = socket.authorizationError;
    socket.end("ok");
  });
  server.on("tlsClientError", (err) => {
    outcome.serverError = err;
  });

  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  try {
    const client = tls.connect({ host: "127.0.0.1", port, ...clientOptions });
    // Not events.once(): it rejects on 'error', and an error is an outcome here. 'close'
    // follows both a clean end and an error.
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    let received = "";
    client.setEncoding("utf8");
    client.on("data", (chunk: string) => (received += chunk));
    client.on("error", (err) => (outcome.clientError = err));
    client.on("secureConnect", () => {
      outcome.serverCertificate = client.getPeerX509Certificate();
      outcome.protocol = client.getProtocol();
      outcome.cipher = client.getCipher();
    });
    await closed;
    outcome.accepted = received === "ok";
  } finally {
    server.close();
    await once(server, "close");
  }
  return outcome;
}
