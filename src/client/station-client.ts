import { STATION_ROLE } from "../rpc/direction.js";
import { RpcEngine } from "../rpc/engine.js";
import { mergeRpcOptions, rejectUnknownOptions, RPC_DEFAULTS } from "../rpc/options.js";
import { checkStrictValidators } from "../rpc/strict-mode.js";
import type { OpenEvent, RpcOptions } from "../rpc/types.js";
import type { CsmsOutbound, KnownMethod, StationOutbound } from "../rpc/typed-api.js";
import {
  resolveConnectionOptions,
  type BaseClientOptions,
  type ResolvedConnectionOptions,
} from "./client-options.js";
import { Reconnector, type Connector } from "./reconnector.js";
import { deferredExchangeLog } from "../observability/deferred-exchange-log.js";
import { logStationLifecycle } from "../observability/lifecycle-log.js";
import {
  createLogger,
  liveSource,
  type DefaultLogOutput,
  type Logger,
} from "../observability/logger.js";
import { resolveLogging } from "../observability/logging-config.js";

/**
 * The station side of the engine, shared by the Node and browser clients: the option checks,
 * connect() and reconfigure(). The connection life is a Reconnector over a platform Connector.
 */
export class StationClient<P extends string = string> extends RpcEngine<
  StationOutbound<P>,
  CsmsOutbound<P>,
  KnownMethod<P>
> {
  /** @internal */
  connection: ResolvedConnectionOptions;
  /**
   * This client's logger (seed 002): every line carries its component and identity. Takes
   * `logger.info("text", { meta })` and pino's `logger.info({ meta }, "text")`.
   */
  readonly logger: Logger;
  private readonly reconnector: Reconnector;
  /** @internal What a connection waits for before frames move (see ReconnectHost). */
  beforeOpen: Promise<void> | undefined;

  /**
   * `optionKeys`: every option the concrete class accepts; anything else is refused here and
   * by reconfigure(). `defaultLog`: the platform's log output when `logging` names none.
   */
  constructor(
    options: BaseClientOptions<P>,
    component: string,
    private readonly optionKeys: ReadonlySet<string>,
    connector: Connector,
    defaultLog: DefaultLogOutput,
  ) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`${component}: options must be an object`);
    }
    rejectUnknownOptions(component, options, optionKeys);
    const connection = resolveConnectionOptions(options);
    super(connection.identity, mergeRpcOptions(RPC_DEFAULTS, options));
    checkStrictValidators(component, this.rpcOptions, connection.protocols);
    this.connection = connection;
    this.role = STATION_ROLE;
    this.reconnector = new Reconnector(this, connector, () => this.connection);
    this.lifecycle = this.reconnector;
    this.applyQueuePolicy();
    const logging = resolveLogging("logging", options.logging);
    this.logger = createLogger(logging, liveSource(component, this), defaultLog);
    logStationLifecycle(this);
    if (logging?.exchangeLog) {
      const log = deferredExchangeLog(
        () => this.logger,
        logging.exchangeLog,
        (err) => this.reportError(err),
      );
      this.use(log.middleware);
      this.beforeOpen = log.ready;
    }
  }

  /** @internal */
  override offeredProtocols(): readonly string[] {
    return this.protocol !== undefined ? [this.protocol] : this.connection.protocols;
  }

  /**
   * Connects to the CSMS. Resolves with `{ response }` once open; rejects (and emits 'close')
   * when the first connection fails, e.g. with `UnexpectedHttpResponse` on an HTTP refusal.
   * Called while reconnecting, it skips the back-off and resolves once connected again.
   */
  connect(): Promise<OpenEvent> {
    if (this.state === RpcEngine.CLOSED) this._identity = this.connection.identity;
    return this.reconnector.connect();
  }

  /**
   * Changes options at run time, all or nothing: every option is checked before any takes
   * effect. A new identity or endpoint takes effect at the next connect() (close() first).
   */
  reconfigure(options: Partial<BaseClientOptions<P>>): void {
    rejectUnknownOptions("reconfigure()", options, this.optionKeys);
    if (options.logging !== undefined) {
      throw new TypeError("reconfigure(): option 'logging' is fixed at construction");
    }
    const connection = resolveConnectionOptions(options, this.connection);
    const rpc: Partial<RpcOptions> = options;
    checkStrictValidators(
      "reconfigure()",
      mergeRpcOptions(this.rpcOptions, rpc),
      connection.protocols,
    );
    this.reconfigureRpc(rpc);
    this.connection = connection;
    this.applyQueuePolicy();
  }

  private applyQueuePolicy(): void {
    this.queueWhileOffline = this.connection.offlineQueue;
    this.outbound.offlineLimit = this.connection.offlineQueue
      ? this.connection.offlineQueueMaxSize
      : Infinity;
  }
}
