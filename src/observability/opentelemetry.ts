import diagnostics_channel from "node:diagnostics_channel";
import {
  diag,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import packageJson from "../../package.json" with { type: "json" };
import { DIAGNOSTICS_CHANNELS, type CallDiagnostic } from "./diagnostics-events.js";

/** Where instrumentOcpp() gets its tracer: one given, else one from a provider, else the global one. */
export interface InstrumentOcppOptions {
  tracer?: Tracer;
  tracerProvider?: TracerProvider;
}

const INSTRUMENTATION = packageJson.name;

/**
 * Turns every CALL of every connection in this process, both ways, into an OpenTelemetry span
 * (from the `ocpp-ws-io:call` tracing channel): `ocpp.call <Method>`, kind SERVER for calls
 * received and CLIENT for calls made, with rpc.system, rpc.method, ocpp.identity,
 * ocpp.protocol and ocpp.message_id; a CALLERROR, timeout or close sets status ERROR and
 * ocpp.error_code. Returns the function that stops it. Needs `@opentelemetry/api`.
 *
 * @example
 * import { instrumentOcpp } from "ocpp-ws-io/opentelemetry";
 * const stop = instrumentOcpp({ tracerProvider });
 */
export function instrumentOcpp(options: InstrumentOcppOptions = {}): () => void {
  const tracer = resolveTracer(options);
  const channel = diagnostics_channel.tracingChannel<unknown, CallDiagnostic>(
    DIAGNOSTICS_CHANNELS.call,
  );
  const spans = new WeakMap<CallDiagnostic, Span>();
  const subscribers = {
    start(context: CallDiagnostic) {
      contained(() => {
        const inbound = context.direction === "in";
        const span = tracer.startSpan(`ocpp.call ${context.method}`, {
          kind: inbound ? SpanKind.SERVER : SpanKind.CLIENT,
          attributes: {
            "rpc.system": "ocpp",
            "rpc.method": context.method,
            "ocpp.identity": context.identity,
            "ocpp.protocol": context.protocol ?? "",
            "ocpp.message_id": context.messageId,
            "ocpp.direction": context.direction,
          },
        });
        spans.set(context, span);
      });
    },
    end() {},
    asyncStart() {},
    error(context: CallDiagnostic) {
      contained(() => {
        const span = spans.get(context);
        if (!span) return;
        span.setStatus({ code: SpanStatusCode.ERROR, message: context.error?.message });
        if (context.errorCode !== undefined)
          span.setAttribute("ocpp.error_code", context.errorCode);
      });
    },
    asyncEnd(context: CallDiagnostic) {
      contained(() => {
        const span = spans.get(context);
        if (!span) return;
        spans.delete(context);
        span.end();
      });
    },
  };
  channel.subscribe(subscribers);
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    channel.unsubscribe(subscribers);
  };
}

function resolveTracer(options: InstrumentOcppOptions): Tracer {
  if (options === null || typeof options !== "object") {
    throw new TypeError("instrumentOcpp(options): options must be an object");
  }
  const { tracer, tracerProvider } = options;
  if (tracer !== undefined) {
    if (typeof tracer?.startSpan !== "function") {
      throw new TypeError("instrumentOcpp(): option 'tracer' must be an OpenTelemetry Tracer");
    }
    return tracer;
  }
  if (tracerProvider !== undefined && typeof tracerProvider?.getTracer !== "function") {
    throw new TypeError(
      "instrumentOcpp(): option 'tracerProvider' must be an OpenTelemetry TracerProvider",
    );
  }
  return (tracerProvider ?? trace).getTracer(INSTRUMENTATION, packageJson.version);
}

/**
 * A tracer or exporter that throws must not reach the connection (a diagnostics_channel
 * subscriber's throw becomes an uncaught exception): reported through OpenTelemetry's own
 * diagnostic logger, as its instrumentations do.
 */
function contained(step: () => void): void {
  try {
    step();
  } catch (err) {
    diag.error("ocpp-ws-io: a span could not be recorded", err);
  }
}
