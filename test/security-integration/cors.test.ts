/**
 * OCPPServer#cors(): peer addresses (CIDR, IPv4-mapped IPv6), browser origins and schemes,
 * checked on every upgrade; refusals answer 403 and emit exactly one securityEvent.
 */
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  OCPPServer,
  OCPPServerClient,
  SecurityProfile,
  UnexpectedHttpResponse,
  type CORSOptions,
} from "../../src/index.js";
import { makeTestPki } from "../helpers/certs.js";
import { Peers } from "../helpers/peers.js";
import { EventLog, barrier, bareUpgrade, rejectionOf } from "./support.js";

const peers = new Peers();
/** Servers listening on "::" (Peers only listens on 127.0.0.1). */
const dualStack: OCPPServer[] = [];
afterEach(async () => {
  await peers.closeAll();
  await Promise.all(dualStack.splice(0).map((s) => s.close({ force: true })));
}, 5000);

async function corsServer(cors: CORSOptions) {
  const started = await peers.server({ protocols: ["ocpp1.6"] });
  started.server.cors(cors);
  const log = new EventLog(started.server);
  return { ...started, log };
}

function station(url: string, identity = "CP001") {
  return peers.client({ endpoint: url, identity, protocols: ["ocpp1.6"] });
}

function onClient(server: OCPPServer) {
  return new Promise<OCPPServerClient>((resolve) => server.once("client", resolve));
}

/** Expects a 403 refusal of `connect` and exactly one securityEvent of `type`. */
async function expectRefused(
  setup: { port: number; log: EventLog },
  connect: () => Promise<number | undefined>,
  type: "IP_REJECTED" | "CORS_ORIGIN_REJECTED" | "SCHEME_REJECTED",
) {
  expect(await connect()).toBe(403);
  const event = await setup.log.waitFor(type);
  expect(event).toMatchObject({ type, status: 403, remoteAddress: "127.0.0.1" });
  expect(event.timestamp).toBeInstanceOf(Date);
  expect(await barrier(setup.port)).toBe(404);
  expect(setup.log.types()).toEqual([type]);
  return event;
}

describe("cors({ allowedIPs })", () => {
  it('["127.0.0.1"] lets a station on 127.0.0.1 in', async () => {
    const { server, url, log } = await corsServer({ allowedIPs: ["127.0.0.1"] });
    const connected = onClient(server);
    await station(url).connect();
    expect((await connected).handshake.remoteAddress).toBe("127.0.0.1");
    expect(log.events).toEqual([]);
  });

  it('["10.0.0.0/8"] refuses 127.0.0.1 with 403 and one IP_REJECTED', async () => {
    const setup = await corsServer({ allowedIPs: ["10.0.0.0/8"] });
    let authCalled = false;
    setup.server.auth((accept) => {
      authCalled = true;
      accept();
    });
    const event = await expectRefused(
      setup,
      async () => {
        const err = await rejectionOf(station(setup.url).connect());
        expect(err).toBeInstanceOf(UnexpectedHttpResponse);
        return (err as UnexpectedHttpResponse).statusCode;
      },
      "IP_REJECTED",
    );
    expect(event.reason).toContain("127.0.0.1");
    expect(authCalled).toBe(false);
    expect(setup.server.clients.size).toBe(0);
  });

  async function dualStackServer(cors: CORSOptions) {
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    dualStack.push(server);
    server.cors(cors);
    const http = await server.listen(0, "::");
    const port = (http.address() as AddressInfo).port;
    return { server, port, url: `ws://127.0.0.1:${port}`, log: new EventLog(server) };
  }

  it('an IPv4 peer seen as "::ffff:127.0.0.1" (dual-stack listener) matches "127.0.0.0/8"', async () => {
    const { server, url, log } = await dualStackServer({ allowedIPs: ["127.0.0.0/8"] });
    const connected = onClient(server);
    await station(url).connect();
    expect((await connected).handshake.remoteAddress).toBe("::ffff:127.0.0.1");
    expect(log.events).toEqual([]);
  });

  it('an IPv4-mapped peer is still refused by "10.0.0.0/8"', async () => {
    const { url, port, log } = await dualStackServer({ allowedIPs: ["10.0.0.0/8"] });
    const outcome = await bareUpgrade(url, "CP001");
    expect(outcome.status).toBe(403);
    const event = await log.waitFor("IP_REJECTED");
    expect(event.remoteAddress).toBe("::ffff:127.0.0.1");
    expect(await barrier(port)).toBe(404);
    expect(log.events).toHaveLength(1);
  });
});

describe("cors({ allowedOrigins })", () => {
  const allowedOrigins = ["https://dashboard.example.com"];

  it("refuses Origin: https://evil.example with 403 and one CORS_ORIGIN_REJECTED", async () => {
    const setup = await corsServer({ allowedOrigins });
    const event = await expectRefused(
      setup,
      async () =>
        (await bareUpgrade(setup.url, "CP001", { headers: { Origin: "https://evil.example" } }))
          .status,
      "CORS_ORIGIN_REJECTED",
    );
    expect(event.reason).toContain("https://evil.example");
  });

  it("lets Origin: https://dashboard.example.com in", async () => {
    const { server, url, log } = await corsServer({ allowedOrigins });
    const connected = onClient(server);
    const peer = await peers.bareClient(url, "DASH", ["ocpp1.6"], {
      Origin: "https://dashboard.example.com",
    });
    expect(peer.ws.protocol).toBe("ocpp1.6");
    expect((await connected).handshake.headers.origin).toBe("https://dashboard.example.com");
    expect(log.events).toEqual([]);
  });

  it("lets a request without an Origin header (a station) in", async () => {
    const { server, url, log } = await corsServer({ allowedOrigins });
    const connected = onClient(server);
    await station(url).connect();
    expect((await connected).handshake.headers.origin).toBeUndefined();
    expect(log.events).toEqual([]);
  });
});

describe("cors({ allowedSchemes })", () => {
  it('["wss"] refuses a plain ws:// connection with 403 and one SCHEME_REJECTED', async () => {
    const setup = await corsServer({ allowedSchemes: ["wss"] });
    const event = await expectRefused(
      setup,
      async () => {
        const err = await rejectionOf(station(setup.url).connect());
        return (err as UnexpectedHttpResponse).statusCode;
      },
      "SCHEME_REJECTED",
    );
    expect(event.reason).toMatch(/\bws\b/);
  });

  it('["wss"] lets a TLS connection in', async () => {
    const pki = await makeTestPki();
    const { server, url } = await peers.server({
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.TLS_BASIC_AUTH,
      tls: { cert: pki.serverEcdsa.cert, key: pki.serverEcdsa.key },
    });
    server.cors({ allowedSchemes: ["wss"] });
    const log = new EventLog(server);
    const connected = onClient(server);
    await peers
      .client({
        endpoint: url.replace(/^ws:/, "wss:"),
        identity: "CP001",
        protocols: ["ocpp1.6"],
        securityProfile: SecurityProfile.TLS_BASIC_AUTH,
        password: "scheme-test-pass-0",
        tls: { ca: pki.ca.cert },
      })
      .connect();
    expect((await connected).handshake.securityProfile).toBe(2);
    expect(log.events).toEqual([]);
    await pki.cleanup();
  }, 60_000);
});
