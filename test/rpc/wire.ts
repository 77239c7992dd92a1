import { once } from "node:events";
import { expect } from "vitest";
import type {
  ClientEvents,
  ClientOptions,
  OCPPClient,
  OCPPServer,
  OCPPServerClient,
  ServerOptions,
} from "../../src/index.js";
import type { EventEmitter } from "../../src/rpc/emitter.js";
import type { BarePeer, BareServer, Peers } from "../helpers/peers.js";

/** The OCPP subprotocols whose version-specific rules are checked under each. */
export const OCPP_VERSIONS = ["ocpp1.6", "ocpp2.0.1", "ocpp2.1"] as const;
export type OcppVersion = (typeof OCPP_VERSIONS)[number];

export type EventArgs<K extends keyof ClientEvents> = ClientEvents[K];

/** Any client class (OCPPClient, OCPPServerClient): they all emit ClientEvents. */
export type Engine = EventEmitter<ClientEvents>;

/** The next `event` of an engine, as its argument list; rejects after `timeoutMs` so hangs show. */
export function nextEvent<K extends keyof ClientEvents>(
  engine: Engine,
  event: K,
  timeoutMs = 5000,
): Promise<EventArgs<K>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      engine.removeListener(event, listener);
      reject(new Error(`no '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = ((...args: EventArgs<K>) => {
      clearTimeout(timer);
      resolve(args);
    }) as Parameters<Engine["once"]>[1];
    engine.once(event, listener);
  });
}

/** Records the first argument of every `event` the engine emits from now on. */
export function record<K extends keyof ClientEvents>(
  engine: Engine,
  event: K,
): Array<EventArgs<K>[0]> {
  const seen: Array<EventArgs<K>[0]> = [];
  const listener = ((...args: EventArgs<K>) => {
    seen.push(args[0]);
  }) as Parameters<Engine["on"]>[1];
  engine.on(event, listener);
  return seen;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Waits until everything the other side sent before now has arrived: a ping goes out and
 * the pong comes back behind any frame sent earlier on the same TCP connection.
 */
export async function barrier(peer: BarePeer): Promise<void> {
  const pong = once(peer.ws, "pong");
  peer.ws.ping();
  await pong;
}

/** An OCPPClient connected to a bare `ws` server that records what the client sends. */
export async function clientAndBareServer(
  peers: Peers,
  options: Partial<ClientOptions> = {},
  protocol: string = "ocpp1.6",
): Promise<{ client: OCPPClient; peer: BarePeer; bare: BareServer }> {
  const bare = await peers.bareServer({ protocol });
  const client = peers.client({
    endpoint: bare.url,
    identity: "CP1",
    protocols: [protocol],
    ...options,
  });
  const [peer] = await Promise.all([bare.nextConnection(), client.connect()]);
  return { client, peer, bare };
}

/**
 * A real OCPPServer serving `protocol` and a bare `ws` client offering it; `setup` runs on
 * the server-side client before any frame from the bare client is processed.
 */
export async function bareClientAndServer(
  peers: Peers,
  protocol: string = "ocpp1.6",
  options: ServerOptions = {},
  setup: (client: OCPPServerClient) => void = () => undefined,
): Promise<{ server: OCPPServer; client: OCPPServerClient; peer: BarePeer; url: string }> {
  const { server, url } = await peers.server({ protocols: [protocol], ...options });
  const accepted = new Promise<OCPPServerClient>((resolve, reject) =>
    server.once("client", (client) => {
      try {
        setup(client);
        resolve(client);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    }),
  );
  const peer = await peers.bareClient(url, "CP1", [protocol]);
  const client = await accepted;
  return { server, client, peer, url };
}

/** A Heartbeat handler valid under every OCPP version. */
export function heartbeat(): { currentTime: string } {
  return { currentTime: new Date().toISOString() };
}

/**
 * Sends a good Heartbeat CALL from the bare client and expects its CALLRESULT as the next
 * frame: proves the connection still serves calls and that nothing else was sent before it.
 */
export async function expectHeartbeatRoundTrip(peer: BarePeer, id = "probe"): Promise<void> {
  peer.send([2, id, "Heartbeat", {}]);
  expect(await peer.nextJson()).toEqual([3, id, { currentTime: expect.any(String) }]);
}

/**
 * Makes a Heartbeat call from the library client, expects it as the next frame at the bare
 * server and answers it: proves nothing else was sent before it.
 */
export async function expectCallIsNextFrame(client: OCPPClient, peer: BarePeer): Promise<void> {
  const call = client.call("Heartbeat", {});
  const frame = await peer.nextJson();
  expect(frame).toEqual([2, expect.any(String), "Heartbeat", {}]);
  peer.send([3, frame[1], { currentTime: "2024-01-01T00:00:00.000Z" }]);
  await expect(call).resolves.toEqual({ currentTime: "2024-01-01T00:00:00.000Z" });
}
