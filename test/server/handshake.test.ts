import { afterEach, describe, expect, it } from "vitest";
import { OCPPServerClient, type HandshakeInfo, type OCPPServer } from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { rawUpgrade, waitFor } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

/** The handshake the server's auth() sees for a station connecting with `options`. */
async function handshakeOf(
  server: OCPPServer,
  connect: () => Promise<unknown>,
): Promise<HandshakeInfo> {
  const seen = new Promise<HandshakeInfo>((resolve) =>
    server.auth((accept, _reject, handshake) => {
      resolve(handshake);
      accept();
    }),
  );
  await connect();
  return seen;
}

describe("OCPPServer 'client' event", () => {
  it("emits an OCPPServerClient with identity, protocol, session and handshake", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp2.0.1", "ocpp1.6"] });
    server.auth((accept) => accept({ session: { tenant: "t1", authorized: true } }));
    const connected = waitFor<OCPPServerClient>(server, "client");
    const client = peers.client({
      endpoint: `${url}/ocpp`,
      identity: "CP001",
      protocols: ["ocpp1.6"],
    });
    await client.connect();
    const serverClient = await connected;
    expect(serverClient).toBeInstanceOf(OCPPServerClient);
    expect(serverClient.identity).toBe("CP001");
    expect(serverClient.protocol).toBe("ocpp1.6");
    expect(serverClient.session).toEqual({ tenant: "t1", authorized: true });
    expect(serverClient.handshake.identity).toBe("CP001");
    expect(serverClient.handshake.endpoint).toBe("/ocpp");
    expect(serverClient.state).toBe(OCPPServerClient.OPEN);
    expect(server.clients.has(serverClient)).toBe(true);
  });

  it("gives an empty session object when auth() accepts without one", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const connected = waitFor<OCPPServerClient>(server, "client");
    await peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] }).connect();
    expect((await connected).session).toEqual({});
  });

  it("drops a client from server.clients once it closes", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const connected = waitFor<OCPPServerClient>(server, "client");
    const client = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    await client.connect();
    const serverClient = await connected;
    expect([...server.clients]).toEqual([serverClient]);
    const closed = waitFor(serverClient, "close");
    await client.close();
    await closed;
    expect(server.clients.size).toBe(0);
  });
});

describe("HandshakeInfo", () => {
  it.each([
    ["CP001", "CP001"],
    ["CP 001", "CP 001"],
    ["Ladestation-Ä1", "Ladestation-Ä1"],
    ["this:is:ok", "this:is:ok"],
    ["a/b", "a/b"],
    ["RDAM|123", "RDAM|123"],
  ])("decodes the identity %j from the URL", async (identity, expected) => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const client = peers.client({ endpoint: url, identity, protocols: ["ocpp1.6"] });
    const handshake = await handshakeOf(server, () => client.connect());
    expect(handshake.identity).toBe(expected);
    expect(handshake.endpoint).toBe("/");
  });

  it("decodes percent-encoded colons and slashes sent by hand (%3A, %2F)", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"] });
    const seen = new Promise<HandshakeInfo>((resolve) =>
      server.auth((_a, reject, h) => (resolve(h), reject(404))),
    );
    const outcome = await rawUpgrade(port, "/ocpp/a%3Ab%2Fc", { protocols: ["ocpp1.6"] });
    expect(outcome.status).toBe(404);
    const handshake = await seen;
    expect(handshake.identity).toBe("a:b/c");
    expect(handshake.endpoint).toBe("/ocpp");
  });

  it("reports the path before the identity as endpoint, for deeper paths too", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const client = peers.client({
      endpoint: `${url}/ocpp/v16/`,
      identity: "CP001",
      protocols: ["ocpp1.6"],
    });
    const handshake = await handshakeOf(server, () => client.connect());
    expect(handshake.endpoint).toBe("/ocpp/v16");
    expect(handshake.identity).toBe("CP001");
  });

  it("parses the query as URLSearchParams", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const client = peers.client({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      query: { a: "1", b: "x y" },
    });
    const handshake = await handshakeOf(server, () => client.connect());
    expect(handshake.query).toBeInstanceOf(URLSearchParams);
    expect(handshake.query.get("a")).toBe("1");
    expect(handshake.query.get("b")).toBe("x y");
  });

  it("carries the headers, the remote address, the offered protocols as a Set and the request", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const client = peers.client({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp2.0.1", "ocpp1.6"],
      headers: { "x-firmware": "1.2.3" },
    });
    const handshake = await handshakeOf(server, () => client.connect());
    expect(handshake.headers["x-firmware"]).toBe("1.2.3");
    expect(handshake.remoteAddress).toMatch(/127\.0\.0\.1$/);
    expect(handshake.protocols).toBeInstanceOf(Set);
    expect([...handshake.protocols]).toEqual(["ocpp2.0.1", "ocpp1.6"]);
    expect(handshake.request.url).toBe("/CP001");
  });

  it("gives an empty protocol Set when the station offers none", async () => {
    const { server, url } = await peers.server();
    const client = peers.client({ endpoint: url, identity: "CP001" });
    const handshake = await handshakeOf(server, () => client.connect());
    expect(handshake.protocols.size).toBe(0);
  });

  it("gives the password as a Buffer, colon-safe in identity and password", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const client = peers.client({
      endpoint: url,
      identity: "this:is:ok",
      password: "as:is:this",
      protocols: ["ocpp1.6"],
    });
    const handshake = await handshakeOf(server, () => client.connect());
    expect(handshake.identity).toBe("this:is:ok");
    expect(Buffer.isBuffer(handshake.password)).toBe(true);
    expect(handshake.password!.toString("utf8")).toBe("as:is:this");
  });

  it("gives a binary password byte for byte", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const password = Buffer.from([0x00, 0xff, 0x3a, 0x80, 0x0d, 0x0a, 0x7f, 0x3a]);
    const client = peers.client({
      endpoint: url,
      identity: "CP001",
      password,
      protocols: ["ocpp1.6"],
    });
    const handshake = await handshakeOf(server, () => client.connect());
    expect(handshake.password).toEqual(password);
  });

  it("gives no password when the Basic-auth user is not the identity", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const seen = new Promise<HandshakeInfo>((resolve) =>
      server.auth((accept, _r, h) => (resolve(h), accept())),
    );
    const authorization = "Basic " + Buffer.from("OTHER:secret").toString("base64");
    await peers.bareClient(url, "CP001", ["ocpp1.6"], { authorization });
    const handshake = await seen;
    expect(handshake.headers.authorization).toBe(authorization);
    expect(handshake.password).toBeUndefined();
  });

  it("gives no password without an Authorization header", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const client = peers.client({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    const handshake = await handshakeOf(server, () => client.connect());
    expect(handshake.password).toBeUndefined();
  });

  it("is kept on the server-side client", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const connected = waitFor<OCPPServerClient>(server, "client");
    await peers
      .client({ endpoint: `${url}/x`, identity: "CP 9", password: "pw", protocols: ["ocpp1.6"] })
      .connect();
    const { handshake } = await connected;
    expect(handshake.identity).toBe("CP 9");
    expect(handshake.endpoint).toBe("/x");
    expect(handshake.password?.toString()).toBe("pw");
  });
});

describe("OCPPServer identity rules", () => {
  it("refuses an upgrade without an identity in the URL with 404", async () => {
    const { port } = await peers.server({ protocols: ["ocpp1.6"] });
    expect((await rawUpgrade(port, "/", { protocols: ["ocpp1.6"] })).status).toBe(404);
  });

  it("accepts identities with colons by default", async () => {
    const { url } = await peers.server({ protocols: ["ocpp1.6"] });
    const client = peers.client({ endpoint: url, identity: "a:b:c", protocols: ["ocpp1.6"] });
    await expect(client.connect()).resolves.toBeDefined();
  });

  it("with strictIdentities, refuses an identity containing ':' with 400", async () => {
    const { port } = await peers.server({ protocols: ["ocpp1.6"], strictIdentities: true });
    expect((await rawUpgrade(port, "/a%3Ab", { protocols: ["ocpp1.6"] })).status).toBe(400);
  });

  it("with strictIdentities, refuses an identity longer than 48 characters with 400 and accepts 48", async () => {
    const { port, url } = await peers.server({ protocols: ["ocpp1.6"], strictIdentities: true });
    expect((await rawUpgrade(port, "/" + "x".repeat(49), { protocols: ["ocpp1.6"] })).status).toBe(
      400,
    );
    const client = peers.client({
      endpoint: url,
      identity: "y".repeat(48),
      protocols: ["ocpp1.6"],
    });
    await expect(client.connect()).resolves.toBeDefined();
  });

  it("refuses malformed percent-encoding in the identity with 400", async () => {
    const { port } = await peers.server({ protocols: ["ocpp1.6"] });
    expect((await rawUpgrade(port, "/CP%E0%A4%A", { protocols: ["ocpp1.6"] })).status).toBe(400);
  });
});
