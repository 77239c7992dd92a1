import { ConnectionClosedError } from "../protocol/errors.js";
import { CloseSequence } from "./close-sequence.js";
import type { EngineCore } from "./engine-core.js";
import { ConnectionState, type CloseResult } from "./types.js";

const { CONNECTING, OPEN, CLOSING, CLOSED } = ConnectionState;

/**
 * How a role gets connections: the station side reconnects (client/reconnector.ts); a
 * server-side client has none (the station reconnects).
 */
export interface ConnectionLifecycle {
  /** The open connection was lost (not by close()): true when the role reconnects. */
  willReconnect(): boolean;
  /** Begins reconnecting (state is CONNECTING); called only when willReconnect() said so. */
  startReconnect(): void;
  /** close() during CONNECTING: stop the attempt or the back-off. */
  abortConnecting(): void;
}

/** The engine state the connection's end touches (RpcEngine's, marked internal there). */
export interface ClosingEngine extends EngineCore {
  _state: ConnectionState;
  closing: CloseSequence | undefined;
  closePromise: Promise<CloseResult> | undefined;
  lastClose: CloseResult;
  connectedOnce: boolean;
  queueWhileOffline: boolean;
  lifecycle: ConnectionLifecycle | undefined;
  rejectQueued(error: Error): void;
  abandonPending(reason: Error): void;
  busy(): boolean;
  stopKeepAlive(): void;
  onClosed(): void;
}

/**
 * The transport closed (peer, network or our own close()): calls in flight fail, and the
 * engine either reconnects (lifecycle) or ends CLOSED.
 */
export function transportClosed(engine: ClosingEngine, code: number, reason: string): void {
  engine.transport = undefined;
  engine.stopKeepAlive();
  const result = { code, reason };
  const error = new ConnectionClosedError(
    `Connection closed (${code}${reason ? `: ${reason}` : ""}) before an answer arrived`,
    code,
  );
  const closing = engine._state === CLOSING;
  const reconnect =
    !closing && engine._state === OPEN && engine.lifecycle?.willReconnect() === true;
  // Leave OPEN before anything is rejected: a freed slot must not send on a dead socket.
  if (!closing) engine._state = reconnect ? CONNECTING : CLOSING;
  engine.abandonPending(error);
  if (reconnect && !engine.queueWhileOffline) {
    engine.rejectQueued(
      new ConnectionClosedError("Connection lost before the call was sent", code),
    );
  }
  engine.emit("disconnect", result);
  if (reconnect) {
    engine.lifecycle!.startReconnect();
  } else {
    if (!closing) engine.emit("closing");
    finishClose(engine, result);
  }
}

/** Ends in CLOSED: queued calls rejected, 'close' emitted, close() resolved. */
export function finishClose(engine: ClosingEngine, result: CloseResult): void {
  engine._state = CLOSED;
  engine.lastClose = result;
  engine.rejectQueued(new ConnectionClosedError(`Connection closed (${result.code})`, result.code));
  const closing = engine.closing;
  engine.closing = undefined;
  engine.onClosed();
  engine.emit("close", result);
  closing?.done(result);
}

/** close() after its arguments were checked: what happens depends on the state. */
export function startClose(
  engine: ClosingEngine,
  code: number,
  reason: string,
  awaitPending: boolean,
  force: boolean,
): Promise<CloseResult> {
  if (engine._state === CLOSING && engine.closePromise) {
    if (force) engine.closing?.terminate();
    return engine.closePromise;
  }
  if (engine._state === CLOSED) return engine.closePromise ?? Promise.resolve(engine.lastClose);

  if (engine._state === CONNECTING) {
    const result = engine.connectedOnce
      ? { code, reason }
      : { code: 1001, reason: "Connection aborted" };
    engine.lifecycle?.abortConnecting();
    engine._state = CLOSING;
    engine.emit("closing");
    finishClose(engine, result);
    engine.closePromise = Promise.resolve(result);
    return engine.closePromise;
  }

  // OPEN
  engine._state = CLOSING;
  engine.emit("closing");
  engine.rejectQueued(new ConnectionClosedError("Connection closing before the call was sent"));
  const sequence = new CloseSequence(
    engine,
    engine.rpcOptions.closeTimeoutMs,
    () =>
      new ConnectionClosedError(
        `Connection closing: no answer within closeTimeoutMs (${engine.rpcOptions.closeTimeoutMs} ms)`,
      ),
  );
  engine.closing = sequence;
  engine.closePromise = sequence.promise;
  if (force || !awaitPending)
    engine.abandonPending(new ConnectionClosedError("Connection closing"));
  if (force) sequence.terminate();
  else sequence.start(code, reason, awaitPending);
  return engine.closePromise;
}
