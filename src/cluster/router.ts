import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { ClusterUnavailableError, StationNotConnectedError } from "../protocol/errors.js";
import { routedTimeout, splitCallArgs } from "./call-args.js";
import type {
  AdapterMetrics,
  AdapterSink,
  ClusterOptions,
  EventAdapterInterface,
} from "./contract.js";
import { decodeEnvelope, presenceNode, type Envelope, type RequestEnvelope } from "./envelope.js";
import { InboundRequests } from "./inbound-requests.js";
import { LocalPresence, type LocalStation } from "./local-presence.js";
import { NodeRegistry } from "./node-registry.js";
import { beforeDeadline } from "./deadline.js";
import { OwnerCache } from "./owner-cache.js";
import { RequestServer } from "./request-server.js";
import { RemoteCalls } from "./remote-calls.js";
import { resolveClusterOptions, type ResolvedClusterOptions } from "./cluster-options.js";
import type { PublishHandler, Subscriptions } from "./subscriptions.js";

/** What the router needs of its server. */
export interface RouterHost {
  /** The server's subscriptions (they outlive any one adapter). */
  readonly subscriptions: Subscriptions;
  defaultTimeoutMs(): number;
  reportError(error: Error): void;
}

/** One target's outcome in broadcastBatch(). */
export type BatchResult =
  | { identity: string; status: "fulfilled"; value: unknown }
  | { identity: string; status: "rejected"; reason: Error };

/**
 * The cluster core: routes calls to the node holding a station, serves calls routed here,
 * keeps presence and node liveness, and carries publish() events. Adapters only move strings.
 */
export class ClusterRouter {
  readonly nodeId: string;
  private readonly options: ResolvedClusterOptions;
  private readonly registry: NodeRegistry;
  private readonly remote = new RemoteCalls();
  private readonly inbound: InboundRequests;
  private readonly server: RequestServer;
  /** Presence lookups reused for a second (safe: requests are fenced by the receiver). */
  private readonly owners = new OwnerCache(1000);
  readonly presence: LocalPresence;
  private timers: NodeJS.Timeout[] = [];
  private linkUp = true;
  /** After the backend comes back, nodes get this long to heartbeat before any is called lost. */
  private graceUntil = 0;
  private stopped = false;
  private started = false;
  readonly counters = {
    routedCalls: 0,
    routedFailures: 0,
    servedCalls: 0,
    duplicates: 0,
    dropped: 0,
  };

  constructor(
    readonly adapter: EventAdapterInterface,
    private readonly host: RouterHost,
    options: ClusterOptions = {},
  ) {
    this.options = resolveClusterOptions(options);
    const name = this.options.nodeName ?? `${hostname()}-${process.pid}`;
    // A fresh id per start: a restarted process gets an empty inbox, never an old one's.
    this.nodeId = `${name}:${randomUUID().slice(0, 8)}`;
    this.registry = new NodeRegistry(adapter, this.nodeId, this.options.nodeLossAfterMs);
    this.inbound = new InboundRequests(this.options.maxRememberedRequests);
    this.presence = new LocalPresence(
      () => adapter.presence,
      this.nodeId,
      this.options.presenceTtlMs,
      (identity, previous) => this.sendEvict(identity, previous),
    );
    this.server = new RequestServer(
      this.nodeId,
      adapter,
      this.inbound,
      this.presence,
      this.counters,
    );
  }

  async start(): Promise<void> {
    const sink: AdapterSink = {
      deliver: (message) => this.onMessage(message),
      linkChanged: (up) => this.onLinkChanged(up),
    };
    await this.adapter.start(this.nodeId, sink);
    await this.tick();
    this.started = true;
    const every = (ms: number, fn: () => unknown) => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.heartbeatIntervalMs, () => this.tick());
    every(Math.floor(this.options.presenceTtlMs / 3), () => void this.presence.refreshAll());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.remote.failAll(new ClusterUnavailableError("The cluster adapter was removed or replaced"));
    await this.adapter.stop();
  }

  /** sendToClient() for a station not connected here. */
  async route(identity: string, args: readonly unknown[]): Promise<unknown> {
    const call = splitCallArgs(args);
    const timeoutMs = routedTimeout(call.method, call.options, this.host.defaultTimeoutMs());
    const deadline = Date.now() + timeoutMs;
    this.counters.routedCalls++;
    try {
      // One re-lookup when the holder answers NotHere: the station moved between nodes.
      for (let attempt = 0; ; attempt++) {
        this.assertReady(call.method);
        // The hot path: a cached owner on a node known to be live needs no await and no timer.
        const [owner, node] =
          (attempt === 0 ? this.cachedHolder(identity) : undefined) ??
          // The lookup may sit in the client's offline queue: never past the caller's deadline.
          (await beforeDeadline(deadline, `Call '${call.method}' to '${identity}'`, async () => {
            const cached = attempt === 0 ? this.owners.get(identity) : undefined;
            const cachedNode = cached ? await this.liveHolder(cached) : undefined;
            if (cached && cachedNode) return [cached, cachedNode] as const;
            const [found] = await this.adapter.presence.lookup([identity]);
            return [found, found ? await this.liveHolder(found) : undefined] as const;
          }));
        if (!owner || !node) {
          this.owners.forget(identity);
          throw new StationNotConnectedError(`Station '${identity}' is not connected to any node`);
        }
        this.owners.set(identity, owner);
        try {
          return await this.dispatch(
            node,
            [identity],
            [owner],
            call.wireArgs,
            deadline,
            call.options.signal,
          )[0];
        } catch (err) {
          this.owners.forget(identity);
          if (!(err instanceof StationNotConnectedError) || attempt > 0 || Date.now() >= deadline)
            throw err;
        }
      }
    } catch (err) {
      this.counters.routedFailures++;
      throw err;
    }
  }

  /** broadcastBatch(): local stations called directly, the rest one send() per holding node. */
  async broadcast(identities: readonly string[], args: readonly unknown[]): Promise<BatchResult[]> {
    const call = splitCallArgs(args);
    const timeoutMs = routedTimeout(call.method, call.options, this.host.defaultTimeoutMs());
    const deadline = Date.now() + timeoutMs;
    const outcomes = new Array<Promise<unknown>>(identities.length);
    const byNode = new Map<string, { idx: number[]; owners: string[] }>();
    const remoteIdx: number[] = [];
    identities.forEach((identity, i) => {
      const local = this.presence.station(identity);
      if (local) outcomes[i] = local.call(...call.wireArgs, { timeoutMs });
      else remoteIdx.push(i);
    });
    if (remoteIdx.length > 0) {
      const lookup = () => this.adapter.presence.lookup(remoteIdx.map((i) => identities[i]!));
      const owners = this.adapter.isReady()
        ? await beforeDeadline(deadline, `broadcastBatch('${call.method}')`, lookup).catch(
            () => undefined,
          )
        : undefined;
      for (const [k, i] of remoteIdx.entries()) {
        const owner = owners?.[k];
        const node = owner ? await this.liveHolder(owner).catch(() => undefined) : undefined;
        if (!owners)
          outcomes[i] = Promise.reject(
            new ClusterUnavailableError(
              `broadcastBatch('${call.method}'): the cluster adapter is not connected`,
            ),
          );
        else if (!owner || !node)
          outcomes[i] = Promise.reject(
            new StationNotConnectedError(`Station '${identities[i]}' is not connected to any node`),
          );
        else {
          const group = byNode.get(node) ?? { idx: [], owners: [] };
          group.idx.push(i);
          group.owners.push(owner);
          byNode.set(node, group);
        }
      }
    }
    for (const [node, group] of byNode) {
      const ids = group.idx.map((i) => identities[i]!);
      this.dispatch(node, ids, group.owners, call.wireArgs, deadline).forEach((p, k) => {
        outcomes[group.idx[k]!] = p;
      });
    }
    const settled = await Promise.allSettled(outcomes);
    return settled.map((s, i) =>
      s.status === "fulfilled"
        ? { identity: identities[i]!, status: "fulfilled", value: s.value }
        : { identity: identities[i]!, status: "rejected", reason: s.reason as Error },
    );
  }

  /** server.publish(): to every live node (this one too), in order per publisher. */
  async publish(channel: string, data: unknown): Promise<void> {
    const message = this.host.subscriptions.encode(this.nodeId, channel, data);
    this.assertReady(`publish('${channel}')`);
    // A fresh view, so a node that joined since the last heartbeat gets it too.
    await this.registry.beat();
    const others = this.registry.nodes().filter((n) => n !== this.nodeId);
    await Promise.all(others.map((node) => this.adapter.send(node, [message])));
    this.host.subscriptions.deliverLocal(message);
  }

  liveNodeCount(): number {
    return this.registry.nodes().length;
  }

  /** Figures for adapterMetrics(). */
  async metrics(): Promise<AdapterMetrics> {
    const backend = (await this.adapter.metrics?.().catch(() => undefined)) ?? {};
    return {
      adapter: this.adapter.name,
      nodeId: this.nodeId,
      connected: this.adapter.isReady() && this.registry.healthy,
      liveNodes: this.registry.nodes(),
      localStations: this.presence.size,
      pendingRoutedCalls: this.remote.size,
      ...this.counters,
      presenceFailures: this.presence.failures,
      rememberedRequests: this.inbound.size,
      roundTripMs: this.remote.latency(),
      ...backend,
    };
  }

  private assertReady(what: string): void {
    if (!this.adapter.isReady() || !this.linkUp) {
      throw new ClusterUnavailableError(
        `${what}: the cluster adapter (${this.adapter.name}) is not connected`,
      );
    }
  }

  /** The cached owner of `identity` and its node, when that node is in the live view now. */
  private cachedHolder(identity: string): readonly [string, string] | undefined {
    const owner = this.owners.get(identity);
    if (owner === undefined) return undefined;
    const node = presenceNode(owner);
    if (node === this.nodeId) return undefined;
    return Date.now() < this.graceUntil || this.registry.isLive(node) ? [owner, node] : undefined;
  }

  /** The node named by a presence value, if it is another node that is alive. */
  private async liveHolder(owner: string): Promise<string | undefined> {
    const node = presenceNode(owner);
    // Our own record without a local connection is stale (we lost it and its release failed).
    if (node === this.nodeId) return undefined;
    if (Date.now() < this.graceUntil) return node;
    return (await this.registry.confirmLive(node)) ? node : undefined;
  }

  /** Sends one request per identity to `node` in one adapter send; one promise per identity. */
  private dispatch(
    node: string,
    identities: readonly string[],
    owners: readonly string[],
    wireArgs: unknown[],
    deadline: number,
    signal?: AbortSignal,
  ): Promise<unknown>[] {
    const ttl = Math.max(0, deadline - Date.now());
    const method = String(wireArgs.length === 3 ? wireArgs[1] : wireArgs[0]);
    const ids: string[] = [];
    const messages: string[] = [];
    const promises = identities.map((to, k) => {
      const id = randomUUID();
      const env: RequestEnvelope = {
        t: "req",
        id,
        from: this.nodeId,
        to,
        own: owners[k]!,
        a: wireArgs,
        dl: deadline,
        ttl,
      };
      const message = JSON.stringify(env);
      ids.push(id);
      messages.push(message);
      return this.remote.track(
        id,
        node,
        message,
        deadline,
        `Call '${method}' to '${to}' on node ${node}`,
        signal,
      );
    });
    this.adapter.send(node, messages).catch((err: unknown) => {
      const error = new ClusterUnavailableError(
        `Could not send to node ${node}: ${(err as Error).message}`,
        { cause: err },
      );
      for (const id of ids) this.remote.fail(id, error);
    });
    return promises;
  }

  private onMessage(message: string): void {
    const env: Envelope | undefined = decodeEnvelope(message);
    if (!env || this.stopped) {
      this.counters.dropped++;
      return;
    }
    if (env.t === "res") {
      if (!this.remote.settle(env)) this.counters.dropped++;
    } else if (env.t === "req") void this.server.serve(env);
    else if (env.t === "evict") this.presence.evict(env.to, env.own);
    else this.host.subscriptions.deliverLocal(message, env);
  }

  private sendEvict(identity: string, previousOwner: string): void {
    const node = presenceNode(previousOwner);
    const env = { t: "evict", from: this.nodeId, to: identity, own: previousOwner };
    // A node that just joined may not be in our view yet: confirm before giving up on it.
    this.registry
      .confirmLive(node)
      .then((live) => (live ? this.adapter.send(node, [JSON.stringify(env)]) : undefined))
      .catch(() => {
        // The old node's next presence refresh finds the new owner and closes its session.
        this.presence.failures++;
      });
  }

  private async tick(): Promise<void> {
    const ok = await this.registry.beat();
    if (this.stopped) return;
    if (ok) {
      if (!this.linkUp) this.onLinkChanged(true);
      if (Date.now() >= this.graceUntil) {
        this.remote.failLostNodes((node) => this.registry.isLive(node));
      }
    } else if (this.linkUp) this.onLinkChanged(false);
    this.inbound.sweep(Date.now());
  }

  private onLinkChanged(up: boolean): void {
    if (this.stopped) return;
    const wasUp = this.linkUp;
    this.linkUp = up;
    // Every (re)connection recovers, even one no failure was seen for: a reconnect between
    // two heartbeats may have met an empty, restarted backend.
    if (!up || (wasUp && !this.started)) return;
    // A restarted backend has an empty node registry until every node heartbeats again.
    this.graceUntil = Date.now() + this.options.nodeLossAfterMs;
    // The backend may have restarted empty: resend what is unanswered (receivers de-duplicate)
    // and re-assert presence (the newest connection of each station wins).
    for (const [node, messages] of this.remote.unanswered()) {
      this.adapter.send(node, messages).catch(() => {
        this.counters.dropped += messages.length;
      });
    }
    void this.presence.refreshAll();
  }
}

export type { LocalStation, PublishHandler };
