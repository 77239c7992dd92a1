import type {
  GeneratedProtocol,
  OCPPProtocolCsmsMethods,
  OCPPProtocolMethods,
  OCPPProtocolStationMethods,
} from "../generated/index.js";
import type { CallOptions } from "./types.js";

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
