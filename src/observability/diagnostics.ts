import diagnostics_channel from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import { ConnectionClosedError, TimeoutError } from "../protocol/errors.js";
import type { EventArgs, EventName } from "../rpc/emitter.js";
import type { EngineCore } from "../rpc/engine-core.js";
import type { EngineTap } from "../rpc/engine-tap.js";
import type { ClientEvents } from "../rpc/types.js";
import type { SecurityEvent } from "../server/security-event.js";
import {
  DIAGNOSTICS_CHANNELS as NAMES,
  type CallDiagnostic,
  type DiagnosticsSide,
} from "./diagnostics-events.js";

const openChannel = diagnostics_channel.channel(NAMES.connectionOpen);
const closeChannel = diagnostics_channel.channel(NAMES.connectionClose);
const refusedChannel = diagnostics_channel.channel(NAMES.handshakeRefused);
const messageChannel = diagnostics_channel.channel(NAMES.message);
const badMessageChannel = diagnostics_channel.channel(NAMES.badMessage);
const callTracing = diagnostics_channel.tracingChannel<unknown, CallDiagnostic>(NAMES.call);

/**
 * Whether the call channel has subscribers. TracingChannel#hasSubscribers came in Node 20.13
 * / 22.0; before it, any of its five channels having one counts.
 */
const tracingHasSubscribers: () => boolean =
  typeof (callTracing as { hasSubscribers?: boolean }).hasSubscribers === "boolean"
    ? () => callTracing.hasSubscribers
    : () =>
        callTracing.start.hasSubscribers ||
        callTracing.end.hasSubscribers ||
        callTracing.asyncStart.hasSubscribers ||
        callTracing.asyncEnd.hasSubscribers ||
        callTracing.error.hasSubscribers;

/**
 * CALLs traced and not yet settled, per connection and direction. Calls never answered
 * (NOREPLY, aborted, noReply) stay until the connection closes, at most this many per
 * direction: beyond it the oldest is forgotten without an end.
 */
const MAX_OPEN_CALLS = 1024;

interface OpenCalls {
  in: Map<string, CallDiagnostic>;
  out: Map<string, CallDiagnostic>;
}

const openCalls = new WeakMap<EngineCore, OpenCalls>();
/** Connections with traced CALLs still open: their settlements are wanted even if nobody subscribes now. */
let tracedConnections = 0;

/** Publishes the events of one side's engines; shared by all of them (no state per engine). */
class DiagnosticsPublisher implements EngineTap {
  constructor(private readonly side: DiagnosticsSide) {}

  wants(event: EventName<ClientEvents>): boolean {
    switch (event) {
      case "message":
        return messageChannel.hasSubscribers;
      case "badMessage":
        return badMessageChannel.hasSubscribers;
      case "call":
        return tracingHasSubscribers();
      case "callResult":
      case "callError":
      case "callTimeout":
        return tracedConnections > 0;
      case "close":
        return closeChannel.hasSubscribers || tracedConnections > 0;
      default:
        return false;
    }
  }

  tell<E extends EventName<ClientEvents>>(
    engine: EngineCore,
    event: E,
    args: EventArgs<ClientEvents, E>,
  ): void {
    const { side } = this;
    const { identity, protocol } = engine;
    switch (event) {
      case "message": {
        const { message, outbound } = (args as ClientEvents["message"])[0];
        if (messageChannel.hasSubscribers) {
          messageChannel.publish({
            side,
            identity,
            protocol,
            direction: outbound ? "out" : "in",
            message,
          });
        }
        return;
      }
      case "badMessage": {
        const { message, error, response } = (args as ClientEvents["badMessage"])[0];
        const errorCode = response ? String(response[2]) : error.rpcErrorCode;
        if (badMessageChannel.hasSubscribers) {
          badMessageChannel.publish({ side, identity, protocol, message, error, errorCode });
        }
        return;
      }
      case "call": {
        const { outbound, messageId, method, params } = (args as ClientEvents["call"])[0];
        const context: CallDiagnostic = {
          side,
          identity,
          protocol,
          direction: outbound ? "out" : "in",
          method,
          messageId,
          params,
          startTime: performance.now(),
        };
        callTracing.start.publish(context);
        callTracing.end.publish(context);
        track(engine, context);
        return;
      }
      case "callResult": {
        const { outbound, messageId, result } = (args as ClientEvents["callResult"])[0];
        const context = untrack(engine, outbound, messageId);
        if (context) settle(context, result, undefined, undefined);
        return;
      }
      case "callError": {
        const { outbound, messageId, error } = (args as ClientEvents["callError"])[0];
        const context = untrack(engine, outbound, messageId);
        if (context) settle(context, undefined, error, error.rpcErrorCode);
        return;
      }
      case "callTimeout": {
        const { messageId, timeoutMs } = (args as ClientEvents["callTimeout"])[0];
        const context = untrack(engine, true, messageId);
        if (context) {
          const error = new TimeoutError(`Call timed out after ${timeoutMs}ms`);
          settle(context, undefined, error, error.code);
        }
        return;
      }
      case "close": {
        const { code, reason } = (args as ClientEvents["close"])[0];
        settleAll(engine, code);
        if (closeChannel.hasSubscribers) {
          closeChannel.publish({ side, identity, protocol, code, reason });
        }
        return;
      }
    }
  }

  opened(engine: EngineCore): void {
    if (openChannel.hasSubscribers) {
      openChannel.publish({
        side: this.side,
        identity: engine.identity,
        protocol: engine.protocol,
      });
    }
  }
}

function track(engine: EngineCore, context: CallDiagnostic): void {
  let calls = openCalls.get(engine);
  if (!calls) {
    calls = { in: new Map(), out: new Map() };
    openCalls.set(engine, calls);
  }
  if (calls.in.size + calls.out.size === 0) tracedConnections++;
  const byId = calls[context.direction];
  if (byId.size >= MAX_OPEN_CALLS) byId.delete(byId.keys().next().value as string);
  byId.set(context.messageId, context);
}

function untrack(
  engine: EngineCore,
  outbound: boolean,
  messageId: string,
): CallDiagnostic | undefined {
  const calls = openCalls.get(engine);
  if (!calls) return undefined;
  const byId = outbound ? calls.out : calls.in;
  const context = byId.get(messageId);
  if (context === undefined) return undefined;
  byId.delete(messageId);
  if (calls.in.size + calls.out.size === 0) tracedConnections--;
  return context;
}

function settle(
  context: CallDiagnostic,
  result: unknown,
  error: Error | undefined,
  errorCode: string | undefined,
): void {
  context.durationMs = performance.now() - context.startTime;
  if (error) {
    context.error = error;
    context.errorCode = errorCode;
    callTracing.error.publish(context);
  } else {
    context.result = result;
  }
  callTracing.asyncStart.publish(context);
  callTracing.asyncEnd.publish(context);
}

/** The connection closed: every CALL still open ends with ConnectionClosedError. */
function settleAll(engine: EngineCore, code: number): void {
  const calls = openCalls.get(engine);
  if (!calls || calls.in.size + calls.out.size === 0) return;
  openCalls.delete(engine);
  tracedConnections--;
  for (const context of [...calls.in.values(), ...calls.out.values()]) {
    const error = new ConnectionClosedError(
      `The connection closed (${code}) before the call was answered`,
      code,
    );
    settle(context, undefined, error, error.code);
  }
}

/** The tap of station connections (OCPPClient). */
export const stationDiagnostics: EngineTap = new DiagnosticsPublisher("station");
/** The tap of the CSMS's connections (OCPPServerClient). */
export const csmsDiagnostics: EngineTap = new DiagnosticsPublisher("csms");

/** Publishes a refused or dropped upgrade (the server's securityEvent). */
export function publishHandshakeRefused(event: Omit<SecurityEvent, "timestamp">): void {
  if (!refusedChannel.hasSubscribers) return;
  const { type, identity, remoteAddress, reason, status } = event;
  refusedChannel.publish({ type, identity, remoteAddress, reason, status });
}
