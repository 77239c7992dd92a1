import type { EventEmitter } from "../rpc/emitter.js";
import { protocolFamily, wireErrorCode } from "../protocol/version.js";
import type {
  BadMessageEvent,
  CallErrorEvent,
  CallResultEvent,
  CallTimeoutEvent,
  ClientEvents,
  CloseResult,
  StrictValidationFailureEvent,
} from "../rpc/types.js";
import type { CounterCell, HistogramCell } from "./metric-families.js";
import { closeCodeLabel, errorCodeLabel } from "./metric-labels.js";
import type { MetricSet } from "./metric-set.js";

const OUTCOMES = ["result", "error", "timeout"] as const;
type Outcome = 0 | 1 | 2;
const RESULT: Outcome = 0;
const ERROR: Outcome = 1;
const TIMEOUT: Outcome = 2;

/** A station connection (a server-side client of any protocols). */
export interface ObservedClient extends EventEmitter<ClientEvents> {
  readonly protocol: string | undefined;
}

/** The two cells a settled call adds to. */
interface CallCells {
  count: CounterCell;
  duration: HistogramCell;
}

/** A method's cells by direction and outcome (index: outbound * 3 + outcome), made on first use. */
type MethodCells = (CallCells | undefined)[];

/** Per protocol: method label → its cells. Admitted labels only (see MethodLabels). */
const cellsByProtocol = new WeakMap<MetricSet, Map<string, Map<string, MethodCells>>>();

/**
 * One station connection as metrics see it: listeners on its events (added only when metrics
 * are on) and the cells it adds to. Durations come with the events (the engine knows when
 * each call began), so nothing is kept per call. A failure here is reported once through
 * `onFailure` and never reaches the engine.
 */
export class ConnectionObserver {
  private readonly protocol: string;
  private readonly byMethod: Map<string, MethodCells>;

  constructor(
    private readonly set: MetricSet,
    client: ObservedClient,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.protocol = client.protocol ?? "none";
    let protocols = cellsByProtocol.get(set);
    if (!protocols) {
      protocols = new Map<string, Map<string, MethodCells>>();
      cellsByProtocol.set(set, protocols);
    }
    let byMethod = protocols.get(this.protocol);
    if (!byMethod) {
      byMethod = new Map<string, MethodCells>();
      protocols.set(this.protocol, byMethod);
    }
    this.byMethod = byMethod;
    set.connectionsOpened.cell({ protocol: this.protocol }).value++;
    // The emitter calls each with `this` as context: shared methods, no closures per connection.
    /* eslint-disable @typescript-eslint/unbound-method */
    client.on("callResult", this.onCallResult, this);
    client.on("callError", this.onCallError, this);
    client.on("callTimeout", this.onCallTimeout, this);
    client.on("badMessage", this.onBadMessage, this);
    client.on("strictValidationFailure", this.onValidationFailure, this);
    client.once("close", this.onClose, this);
    /* eslint-enable @typescript-eslint/unbound-method */
  }

  private onCallResult(event: CallResultEvent): void {
    this.settled(event.outbound, event.method, RESULT, event.durationMs);
  }

  private onCallError(event: CallErrorEvent): void {
    this.settled(event.outbound, event.method, ERROR, event.durationMs);
    try {
      // Inbound: the CALLERROR we answer, as spelled for the negotiated version.
      const code = event.outbound
        ? event.error.rpcErrorCode
        : wireErrorCode(event.error.rpcErrorCode, protocolFamily(this.protocol));
      this.set.callErrors.cell({
        direction: event.outbound ? "out" : "in",
        method: this.methodLabel(event.method),
        code: errorCodeLabel(code),
      }).value++;
    } catch (err) {
      this.onFailure(err);
    }
  }

  private onCallTimeout(event: CallTimeoutEvent): void {
    this.settled(true, event.method, TIMEOUT, event.durationMs);
  }

  private onBadMessage(_event: BadMessageEvent): void {
    this.set.badMessage();
  }

  private onValidationFailure(event: StrictValidationFailureEvent): void {
    try {
      this.set.validationFailures.cell({
        direction: event.outbound ? "out" : "in",
        method: this.methodLabel(event.method),
      }).value++;
    } catch (err) {
      this.onFailure(err);
    }
  }

  private onClose(event: CloseResult): void {
    try {
      this.set.connectionsClosed.cell({
        protocol: this.protocol,
        code: closeCodeLabel(event.code),
      }).value++;
    } catch (err) {
      this.onFailure(err);
    }
  }

  private settled(
    outbound: boolean,
    method: string,
    outcome: Outcome,
    durationMs: number | undefined,
  ): void {
    try {
      const cells = this.callCells(outbound, method, outcome);
      cells.count.value++;
      // A call that started before metrics did is counted, without a duration.
      if (durationMs !== undefined) {
        this.set.callDuration.observe(cells.duration, durationMs / 1000);
      }
    } catch (err) {
      this.onFailure(err);
    }
  }

  private callCells(outbound: boolean, method: string, outcome: Outcome): CallCells {
    let byOutcome = this.byMethod.get(method);
    let methodLabel = method;
    if (!byOutcome) {
      methodLabel = this.methodLabel(method, outcome === RESULT);
      byOutcome = this.byMethod.get(methodLabel) ?? [];
      // Kept under the label: a name that is not admitted shares "other", uncached.
      this.byMethod.set(methodLabel, byOutcome);
    }
    const index = (outbound ? 3 : 0) + outcome;
    let cells = byOutcome[index];
    if (!cells) {
      const direction = outbound ? "out" : "in";
      const outcomeLabel = OUTCOMES[outcome];
      cells = {
        count: this.set.calls.cell({
          direction,
          protocol: this.protocol,
          method: methodLabel,
          outcome: outcomeLabel,
        }),
        duration: this.set.callDuration.cell({
          direction,
          method: methodLabel,
          outcome: outcomeLabel,
        }),
      };
      byOutcome[index] = cells;
    }
    return cells;
  }

  private methodLabel(method: string, admit = false): string {
    return this.set.methods.label(this.protocol, method, admit);
  }
}
