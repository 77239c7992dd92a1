/**
 * The messages nodes exchange, as JSON strings. Every request carries its id (for replies and
 * de-duplication), the presence value it was routed by (the fence) and an absolute deadline,
 * so a request delayed in a client's offline queue never runs after its caller gave up.
 */

export interface SerializedError {
  name: string;
  message: string;
  /** The OCPP-J error code of an RPC error. */
  rpcErrorCode?: string;
  details?: Record<string, unknown>;
}

export interface RequestEnvelope {
  t: "req";
  id: string;
  from: string;
  /** The station identity. */
  to: string;
  /** The presence value the caller saw; the receiver refuses if its connection differs. */
  own: string;
  /** call() arguments without the options: [protocol?, method, params]. */
  a: unknown[];
  /** Deadline, epoch ms on the caller's clock. */
  dl: number;
  /** The caller's timeout, ms (bounds clock skew between nodes). */
  ttl: number;
}

export interface ResponseEnvelope {
  t: "res";
  id: string;
  from: string;
  ok: boolean;
  r?: unknown;
  e?: SerializedError;
}

/** Close your connection of `to` if it is still `own` (a newer one was accepted elsewhere). */
export interface EvictEnvelope {
  t: "evict";
  from: string;
  to: string;
  own: string;
}

/** An application event from server.publish(). */
export interface PublishEnvelope {
  t: "pub";
  from: string;
  ch: string;
  d: unknown;
}

export type Envelope = RequestEnvelope | ResponseEnvelope | EvictEnvelope | PublishEnvelope;

const TYPES = new Set(["req", "res", "evict", "pub"]);

/** Parses a delivered message; undefined for anything that is not a well-formed envelope. */
export function decodeEnvelope(message: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    // Not ours (or corrupted): the caller counts it as a dropped message.
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const e = value as Record<string, unknown>;
  if (typeof e.t !== "string" || !TYPES.has(e.t) || typeof e.from !== "string") return undefined;
  if (e.t === "req") {
    const ok =
      typeof e.id === "string" &&
      typeof e.to === "string" &&
      typeof e.own === "string" &&
      Array.isArray(e.a) &&
      typeof e.dl === "number" &&
      typeof e.ttl === "number";
    return ok ? (e as unknown as RequestEnvelope) : undefined;
  }
  if (e.t === "res")
    return typeof e.id === "string" ? (e as unknown as ResponseEnvelope) : undefined;
  if (e.t === "evict") {
    return typeof e.to === "string" && typeof e.own === "string"
      ? (e as unknown as EvictEnvelope)
      : undefined;
  }
  return typeof e.ch === "string" ? (e as unknown as PublishEnvelope) : undefined;
}

/** The presence value format: `<nodeId>|<connSeq>|<connectedAtMs>`. */
export function presenceValue(nodeId: string, seq: number, connectedAtMs: number): string {
  return `${nodeId}|${seq}|${connectedAtMs}`;
}

/** The node id of a presence value. */
export function presenceNode(value: string): string {
  return value.slice(0, value.indexOf("|"));
}
