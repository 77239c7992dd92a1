import type {
  GeneratedProtocol,
  OCPPProtocolCsmsMethods,
  OCPPProtocolMethods,
  OCPPProtocolStationMethods,
} from "../generated/index.js";
import type { CallHandler, CallOptions, WildcardHandler } from "./types.js";

/** A method map: method name → its request and response types. */
export type MethodMap = { [method: string]: { request: unknown; response: unknown } };

/** Method maps per subprotocol, for one direction of one role. */
export type ProtocolMaps = { [protocol: string]: object };

/** No typed methods at all (the engine's default: everything goes through the escape hatch). */
export type NoMethods = Record<never, never>;

/** The request type of a method-map entry. */
export type Req<T> = T extends { request: infer R } ? R : never;

/** The response type of a method-map entry. */
export type Res<T> = T extends { response: infer R } ? R : never;

/** The generated protocols among `P` (a custom subprotocol has no generated types). */
type Known<P extends string> = P & GeneratedProtocol;

/** The methods a charging station may call, per protocol in `P`. */
export type StationOutbound<P extends string> = {
  [K in Known<P>]: Pick<
    OCPPProtocolMethods[K],
    OCPPProtocolStationMethods[K] & keyof OCPPProtocolMethods[K]
  >;
};

/** The methods a CSMS may call, per protocol in `P`. */
export type CsmsOutbound<P extends string> = {
  [K in Known<P>]: Pick<
    OCPPProtocolMethods[K],
    OCPPProtocolCsmsMethods[K] & keyof OCPPProtocolMethods[K]
  >;
};

/** Every method name of the generated protocols in `P`, whichever side sends it. */
export type KnownMethod<P extends string> = {
  [K in Known<P>]: keyof OCPPProtocolMethods[K] & string;
}[Known<P>];

/** The method names of a set of maps, across protocols. */
export type MethodOf<Maps extends ProtocolMaps> = {
  [K in keyof Maps]: keyof Maps[K] & string;
}[keyof Maps];

/** The request type of `M` across every protocol of `Maps` that has it. */
export type RequestOf<Maps extends ProtocolMaps, M extends string> = {
  [K in keyof Maps]: M extends keyof Maps[K] ? Req<Maps[K][M]> : never;
}[keyof Maps];

/** The response type of `M` across every protocol of `Maps` that has it. */
export type ResponseOf<Maps extends ProtocolMaps, M extends string> = {
  [K in keyof Maps]: M extends keyof Maps[K] ? Res<Maps[K][M]> : never;
}[keyof Maps];

/** `[params, options?]`, with params optional when the request has no required field. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{} extends T`: T has no required field
export type CallArgs<Req> = {} extends Req
  ? [params?: Req, options?: CallOptions]
  : [params: Req, options?: CallOptions];

/**
 * A method name outside the typed maps (custom subprotocols, vendor extensions): accepted
 * with `unknown` params and result. Names of the generated OCPP messages are excluded, so a
 * message this role may not send (or a typo'd field) cannot slip through untyped.
 */
export type UntypedMethod<M extends string, Reserved extends string> = M extends
  Reserved | GeneratedProtocol
  ? never
  : M;

/**
 * The typed surface of the engine's call(), safeCall() and handle(): at most the typed
 * signatures and one explicit escape hatch per method. RpcEngine takes these signatures by
 * declaration merging, so the overloads live here and the bodies stay in the engine's files.
 */
export interface TypedRpcApi<
  Out extends ProtocolMaps,
  In extends ProtocolMaps,
  Reserved extends string,
> {
  /**
   * Registers a handler: `handle(method, handler)`, `handle(protocol, method, handler)` (only
   * for connections that negotiated `protocol`) or `handle(wildcardHandler)` for every method
   * without a handler of its own. A later registration replaces an earlier one.
   *
   * @example
   * client.handle("Reset", ({ params }) => ({ status: "Accepted" }));
   */
  handle<Pr extends keyof In & string, M extends keyof In[Pr] & string>(
    protocol: Pr,
    method: M,
    // NoInfer: the handler's literal answers ("Accepted") are checked, not widened.
    handler: NoInfer<CallHandler<Req<In[Pr][M]>, Res<In[Pr][M]>>>,
  ): void;
  handle<M extends MethodOf<In>>(
    method: M,
    handler: CallHandler<RequestOf<In, M>, ResponseOf<In, M>>,
  ): void;
  handle<M extends string>(method: UntypedMethod<M, Reserved>, handler: CallHandler): void;
  handle(handler: WildcardHandler): void;

  /**
   * Calls a method on the peer: `call(method, params?, options?)` or
   * `call(protocol, method, params, options?)`. Resolves with the result; rejects with the
   * peer's `RPCError`, a `TimeoutError`, the abort signal's reason, or a
   * `ConnectionClosedError`. Calls made during the first connect() wait for it; calls made
   * while disconnected are refused at once unless `offlineQueue` is on.
   *
   * @example
   * const res = await client.call("BootNotification", { chargePointVendor: "V", chargePointModel: "M" });
   */
  call<Pr extends keyof Out & string, M extends keyof Out[Pr] & string>(
    protocol: Pr,
    method: M,
    ...args: CallArgs<Req<Out[Pr][M]>>
  ): Promise<Res<Out[Pr][M]>>;
  call<M extends MethodOf<Out>>(
    method: M,
    ...args: CallArgs<RequestOf<Out, M>>
  ): Promise<ResponseOf<Out, M>>;
  call<M extends string>(
    method: UntypedMethod<M, Reserved>,
    params?: unknown,
    options?: CallOptions,
  ): Promise<unknown>;

  /**
   * Like call(), but resolves `undefined` instead of rejecting (the error is not reported):
   * for fire-and-forget calls and loops that must not break on one failure.
   *
   * @example
   * const result = await client.safeCall("ocpp1.6", "ClearCache", {}, { timeoutMs: 15000 });
   * if (result === undefined) client.logger.warn("Station failed to clear cache");
   */
  safeCall<Pr extends keyof Out & string, M extends keyof Out[Pr] & string>(
    protocol: Pr,
    method: M,
    ...args: CallArgs<Req<Out[Pr][M]>>
  ): Promise<Res<Out[Pr][M]> | undefined>;
  safeCall<M extends MethodOf<Out>>(
    method: M,
    ...args: CallArgs<RequestOf<Out, M>>
  ): Promise<ResponseOf<Out, M> | undefined>;
  safeCall<M extends string>(
    method: UntypedMethod<M, Reserved>,
    params?: unknown,
    options?: CallOptions,
  ): Promise<unknown>;
}
