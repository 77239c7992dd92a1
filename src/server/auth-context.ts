import { mergeRpcOptions } from "../rpc/options.js";
import type { RpcOptions } from "../rpc/types.js";
import type { HandshakeInfo } from "./handshake.js";

/** What `accept()` may be given: `{ session, protocol }`, or (ocpp-rpc style) the session itself. */
export interface AuthAccept<S = SessionData> {
  /** Kept on the client as `client.session`. */
  session?: S;
  /** The subprotocol to use; the station must have offered it. */
  protocol?: string;
  /** RPC options for this connection only, over the server's (e.g. `lenientValidation`). */
  options?: Partial<RpcOptions>;
}

export type SessionData = Record<string, unknown>;

/**
 * The auth callback's first argument. It is the `accept` function itself (ocpp-rpc's
 * `(accept, reject, handshake, signal)` form) and also carries `accept`, `reject`,
 * `handshake` and `signal` as properties (the `(ctx) => ctx.accept(...)` form), so either
 * style works whatever the callback's arity.
 */
export interface AuthContext<S = SessionData> {
  (options?: AuthAccept<S> | S, protocol?: string): void;
  accept: (options?: AuthAccept<S> | S, protocol?: string) => void;
  /** Refuses the upgrade with HTTP `code` (default 404, J16 §3.2: unknown identity). */
  reject: (code?: number, message?: string) => void;
  readonly handshake: HandshakeInfo;
  readonly signal: AbortSignal;
}

export type AuthCallback<S = SessionData> = (
  accept: AuthContext<S>,
  reject: (code?: number, message?: string) => void,
  handshake: HandshakeInfo,
  signal: AbortSignal,
) => void | Promise<void>;

export interface AuthDecision {
  accepted: boolean;
  session: unknown;
  protocol: string | undefined;
  options: RpcOptions;
  status: number;
  message: string;
}

/** Tells `accept({ session, protocol })` from `accept(sessionObject)`. */
function isAcceptOptions(value: unknown): value is AuthAccept<unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length > 0 && keys.every((k) => k === "session" || k === "protocol" || k === "options")
  );
}

/** Builds the accept/reject pair for one upgrade; the first decision wins. */
export function createAuthContext(
  handshake: HandshakeInfo,
  getSignal: () => AbortSignal,
  serverOptions: RpcOptions,
  decide: (decision: AuthDecision) => void,
): AuthContext<SessionData> {
  let decided = false;
  const accept = (options?: unknown, protocol?: string) => {
    if (decided) return;
    const opts: AuthAccept<unknown> = isAcceptOptions(options)
      ? options
      : { session: options, protocol };
    // Checked here so that a bad override is a TypeError in the auth callback itself.
    const rpc = opts.options ? mergeRpcOptions(serverOptions, opts.options) : serverOptions;
    decided = true;
    decide({
      accepted: true,
      session: opts.session ?? {},
      protocol: opts.protocol ?? protocol,
      options: rpc,
      status: 101,
      message: "",
    });
  };
  const reject = (code = 404, message = "") => {
    if (decided) return;
    decided = true;
    const status = Number.isInteger(code) && code >= 400 && code <= 599 ? code : 500;
    decide({
      accepted: false,
      session: undefined,
      protocol: undefined,
      options: serverOptions,
      status,
      message: String(message),
    });
  };
  const ctx = Object.assign(accept, { accept, reject, handshake });
  Object.defineProperty(ctx, "signal", { get: getSignal, enumerable: true });
  return ctx as AuthContext<SessionData>;
}
