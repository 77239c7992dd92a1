import { RPCNotImplementedError } from "../../protocol/errors.js";
import type { EngineCore } from "../engine-core.js";
import type { CallHandler, WildcardHandler } from "../types.js";
import { answerError } from "./responder.js";

/** Most CALLs held at once waiting for a handler; beyond it they are refused at once. */
export const MAX_PARKED_CALLS = 100;

/** A CALL without a handler, held in the grace window. */
interface ParkedCall {
  readonly method: string;
  readonly params: unknown;
}

/** Runs a CALL with the handler found for it (the dispatcher's second half). */
export type RunCall = (
  engine: EngineCore,
  id: string,
  method: string,
  params: unknown,
  handler: CallHandler | undefined,
  wildcard: WildcardHandler | undefined,
) => void;

/**
 * `handlerGraceMs`: for that long after a connection opens, a CALL whose method has no
 * handler yet waits for one instead of being answered NotImplemented, since the peer may
 * send it before the application's handle() calls (after an await in a 'client' listener,
 * or right after connect()). It runs the moment its handler is registered; those still
 * waiting when the window ends are answered NotImplemented, in arrival order. Made for an
 * engine only when a CALL is held.
 */
export class HandlerGrace {
  private readonly parked = new Map<string, ParkedCall>();
  private readonly timer: ReturnType<typeof setTimeout>;

  private constructor(
    private readonly engine: EngineCore,
    private readonly run: RunCall,
    windowEndsInMs: number,
  ) {
    this.timer = setTimeout(() => this.expire(), windowEndsInMs);
    this.timer.unref?.();
  }

  /**
   * Holds a CALL without a handler if the engine's grace window is open and has room; false
   * when it must be refused now.
   */
  static park(
    engine: EngineCore,
    run: RunCall,
    id: string,
    method: string,
    params: unknown,
  ): boolean {
    const left = engine.openedAt + engine.rpcOptions.handlerGraceMs - Date.now();
    if (left <= 0) return false;
    let grace = engine.grace;
    if (!grace) grace = engine.grace = new HandlerGrace(engine, run, left);
    if (grace.parked.size >= MAX_PARKED_CALLS) return false;
    grace.parked.set(id, { method, params });
    return true;
  }

  /** Whether a CALL with this id is being held (a second one with it is a duplicate). */
  has(id: string): boolean {
    return this.parked.has(id);
  }

  /** A handler was registered: runs, in arrival order, the held CALLs that now have one. */
  release(): void {
    const engine = this.engine;
    for (const [id, call] of this.parked) {
      const handler = engine.handlers.find(engine.protocol, call.method);
      const wildcard = handler ? undefined : engine.handlers.wildcard;
      if (!handler && !wildcard) continue;
      this.parked.delete(id);
      this.run(engine, id, call.method, call.params, handler, wildcard);
    }
  }

  /** The connection is gone: the held CALLs can no longer be answered. */
  drop(): void {
    clearTimeout(this.timer);
    this.parked.clear();
    if (this.engine.grace === this) this.engine.grace = undefined;
  }

  private expire(): void {
    const held = [...this.parked];
    this.drop();
    for (const [id, { method, params }] of held) {
      answerError(
        this.engine,
        id,
        method,
        params,
        new RPCNotImplementedError(`Unable to handle '${method}' calls`),
      );
    }
  }
}
