import { RPCInternalError, type RPCError } from "../protocol/errors.js";
import type { OCPPMessage } from "../protocol/frame.js";
import { MessageType } from "../protocol/message-type.js";
import type { RawFrame } from "../transport/transport.js";
import type { EngineCore } from "./engine-core.js";
import { followValue } from "./contain.js";
import { answerError } from "./inbound/responder.js";
import { routeMessage } from "./inbound/frame-router.js";

/** The connection a message belongs to, as middleware sees it. */
export interface MiddlewareClient {
  readonly identity: string;
  readonly protocol: string | undefined;
}

/** A decoded message from the peer, before it is routed to its handler or pending call. */
export interface InboundMessageContext {
  readonly direction: "inbound";
  readonly client: MiddlewareClient;
  readonly message: OCPPMessage;
  /** The frame's text as received. */
  readonly frame: string;
  /**
   * Answers this inbound CALL with `error` (a CALLERROR) instead of running its handler, e.g.
   * a rate limit. Only for CALLs, and only before `next()`.
   */
  refuse(error: RPCError): void;
  /**
   * Tells `listener` this inbound CALL's answer once it is known: the text of the CALLRESULT
   * or CALLERROR frame, or undefined when there is none (NOREPLY). Told also when the
   * connection closed before the answer could be written (the handler's answer is made, not
   * sent). Only for CALLs; one listener per CALL.
   */
  onAnswer(listener: (frame: string | undefined) => void): void;
  /**
   * Answers this inbound CALL with `answer` instead of running its handler: the text of an
   * answer frame (CALLRESULT or CALLERROR) carrying this CALL's id, as onAnswer gave it for
   * an earlier CALL with that id. A promise is written when it settles (undefined: no
   * answer); the connection's later messages do not wait for it. Only for CALLs, and only
   * before `next()`; a frame that does not answer this CALL is refused with InternalError.
   */
  replay(answer: string | undefined | PromiseLike<string | undefined>): void;
}

/** A frame about to be written to the peer. Middleware may observe or delay it, never drop it. */
export interface OutboundMessageContext {
  readonly direction: "outbound";
  readonly client: MiddlewareClient;
  /** The frame's text as it will be written. */
  readonly frame: string;
  /** The frame as a message (parsed on first read). */
  readonly message: OCPPMessage;
}

export type MessageContext = InboundMessageContext | OutboundMessageContext;

/**
 * Runs around every message, koa/hono style: do work, `await next()` to pass the message on,
 * do more work. Inbound messages of a connection go through in order: while one waits in an
 * asynchronous middleware, the next ones wait behind it.
 *
 * @example
 * server.use(async (ctx, next) => {
 *   const start = performance.now();
 *   await next();
 *   if (ctx.direction === "inbound") metrics.observe(performance.now() - start);
 * });
 */
export type Middleware = (ctx: MessageContext, next: () => Promise<void>) => unknown;

/** Messages waiting behind a slow middleware, per connection and direction, before the connection is closed (1011). */
export const MAX_MIDDLEWARE_BACKLOG = 10_000;

/**
 * A list of middleware, shared by every connection it applies to (a server's by all its
 * clients). A client's own stack runs its parent's (the server's) first.
 */
export class MiddlewareStack {
  private readonly own: Middleware[] = [];
  private readonly ownOutbound: Middleware[] = [];
  private combined: readonly Middleware[] = this.own;
  private combinedOutbound: readonly Middleware[] = this.ownOutbound;

  constructor(private readonly parent?: MiddlewareStack) {}

  /**
   * Adds a middleware. `"inbound"`: it only looks at inbound messages (the library's own rate
   * limit and de-duplication), so outbound frames skip it and, when every middleware is
   * inbound-only, go straight to the socket.
   */
  use(middleware: Middleware, scope: "both" | "inbound" = "both"): void {
    if (typeof middleware !== "function") {
      throw new TypeError("use(middleware): middleware must be a function (ctx, next) => ...");
    }
    this.own.push(middleware);
    if (scope === "both") this.ownOutbound.push(middleware);
  }

  /** Every middleware to run on an inbound message, the parent's first. */
  get list(): readonly Middleware[] {
    const parent = this.parent;
    if (!parent) return this.own;
    const inherited = parent.list;
    // Lists only grow, so lengths tell when to rebuild.
    if (this.combined.length !== inherited.length + this.own.length) {
      this.combined = [...inherited, ...this.own];
    }
    return this.combined;
  }

  /** Every middleware to run on an outbound frame, the parent's first. */
  get outboundList(): readonly Middleware[] {
    const parent = this.parent;
    if (!parent) return this.ownOutbound;
    const inherited = parent.outboundList;
    if (this.combinedOutbound.length !== inherited.length + this.ownOutbound.length) {
      this.combinedOutbound = [...inherited, ...this.ownOutbound];
    }
    return this.combinedOutbound;
  }
}

const RESOLVED = Promise.resolve();

/**
 * Runs `list` over `ctx`, then `last`. Returns undefined when every middleware finished
 * synchronously (the message was handled in the same tick, as without middleware), else a
 * promise of the end of the chain.
 */
function runStack(
  list: readonly Middleware[],
  ctx: MessageContext,
  last: () => void,
): Promise<void> | undefined {
  let index = -1;
  const dispatch = (i: number): Promise<void> | undefined => {
    if (i <= index) return Promise.reject(new Error("middleware called next() more than once"));
    index = i;
    if (i === list.length) {
      last();
      return undefined;
    }
    const next = (): Promise<void> => {
      try {
        return dispatch(i + 1) ?? RESOLVED;
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const out = list[i]!(ctx, next);
    // `return next()` from a synchronous middleware over a synchronous rest of the chain
    // returns RESOLVED: the message was handled in this tick.
    if (out === RESOLVED || out === undefined || out === null || typeof out !== "object") {
      return undefined;
    }
    return Promise.resolve(out).then(noop);
  };
  return dispatch(0);
}

function noop(): void {}

class InboundContext implements InboundMessageContext {
  readonly direction = "inbound";
  passed = false;
  /** Answered by middleware (refuse or replay): the handler does not run. */
  answered = false;

  constructor(
    private readonly engine: EngineCore,
    readonly message: OCPPMessage,
    readonly frame: string,
  ) {}

  get client(): MiddlewareClient {
    return this.engine;
  }

  refuse(error: RPCError): void {
    const message = this.message;
    if (message[0] !== MessageType.CALL || this.passed || this.answered) return;
    this.answered = true;
    answerError(this.engine, message[1], message[2], message[3], error, false, this);
  }

  onAnswer(listener: (frame: string | undefined) => void): void {
    if (this.message[0] !== MessageType.CALL || typeof listener !== "function") return;
    (this.engine.answerObservers ??= new Map()).set(this.message[1], { owner: this, listener });
  }

  replay(answer: string | undefined | PromiseLike<string | undefined>): void {
    if (this.message[0] !== MessageType.CALL || this.passed || this.answered) return;
    this.answered = true;
    followValue(
      answer,
      (frame) => this.writeReplay(frame),
      (err) => {
        this.engine.reportError(err);
        this.writeReplay(undefined);
      },
    );
  }

  private writeReplay(frame: unknown): void {
    const [, id, method, params] = this.message as [number, string, string, unknown];
    if (frame === undefined) return;
    if (!answersCall(frame, id)) {
      answerError(
        this.engine,
        id,
        method,
        params,
        new RPCInternalError("Middleware replayed a frame that does not answer this call"),
        false,
        this,
      );
      return;
    }
    if (this.engine.transport?.writable) this.engine.sendFrame(frame);
  }
}

/** Whether `frame` is the text of a CALLRESULT or CALLERROR with message id `id`. */
function answersCall(frame: unknown, id: string): frame is string {
  if (typeof frame !== "string") return false;
  try {
    const parsed: unknown = JSON.parse(frame);
    return (
      Array.isArray(parsed) &&
      (parsed[0] === MessageType.CALLRESULT || parsed[0] === MessageType.CALLERROR) &&
      parsed[1] === id
    );
  } catch {
    return false;
  }
}

class OutboundContext implements OutboundMessageContext {
  readonly direction = "outbound";
  written = false;
  private parsed: OCPPMessage | undefined;

  constructor(
    private readonly engine: EngineCore,
    readonly frame: string,
  ) {}

  get client(): MiddlewareClient {
    return this.engine;
  }

  get message(): OCPPMessage {
    return (this.parsed ??= JSON.parse(this.frame) as OCPPMessage);
  }
}

type Backlog<T> = T[];

/** One connection's passage through a stack: keeps each direction in order. */
export class MessagePipeline {
  private inboundBusy = false;
  private outboundBusy = false;
  private inboundBacklog: Backlog<[OCPPMessage, string, RawFrame]> = [];
  private outboundBacklog: Backlog<string> = [];

  constructor(
    private readonly engine: EngineCore,
    /** The connection's stack (replaced when a server-side client adds its own). */
    public stack: MiddlewareStack,
  ) {}

  inbound(message: OCPPMessage, frame: string, buffer: RawFrame): void {
    if (this.inboundBusy) {
      if (this.overflow(this.inboundBacklog.length)) return;
      this.inboundBacklog.push([message, frame, buffer]);
      return;
    }
    const ctx = new InboundContext(this.engine, message, frame);
    const last = () => {
      ctx.passed = true;
      routeMessage(this.engine, buffer, frame, message);
    };
    let pending: Promise<void> | undefined;
    try {
      pending = runStack(this.stack.list, ctx, last);
    } catch (err) {
      this.inboundFailed(ctx, last, err);
      return;
    }
    if (!pending) {
      this.inboundDone(ctx);
      return;
    }
    this.inboundBusy = true;
    pending
      .then(
        () => this.inboundDone(ctx),
        (err: unknown) => this.inboundFailed(ctx, last, err),
      )
      .finally(() => {
        this.inboundBusy = false;
        const backlog = this.inboundBacklog;
        while (backlog.length > 0 && !this.inboundBusy) this.inbound(...backlog.shift()!);
      })
      .catch((err: unknown) => this.engine.reportError(err));
  }

  /** Whether outbound frames have middleware to pass (else they go straight to the socket). */
  get hasOutbound(): boolean {
    return this.outboundBusy || this.stack.outboundList.length > 0;
  }

  outbound(frame: string): void {
    if (this.outboundBusy) {
      if (this.overflow(this.outboundBacklog.length)) return;
      this.outboundBacklog.push(frame);
      return;
    }
    const ctx = new OutboundContext(this.engine, frame);
    const write = () => {
      if (ctx.written) return;
      ctx.written = true;
      this.engine.transport?.send(frame);
    };
    let pending: Promise<void> | undefined;
    try {
      pending = runStack(this.stack.outboundList, ctx, write);
    } catch (err) {
      this.engine.reportError(err);
    }
    if (!pending) {
      // Middleware observe outbound frames; one that did not pass it on does not drop it.
      write();
      return;
    }
    this.outboundBusy = true;
    pending
      .then(undefined, (err: unknown) => this.engine.reportError(err))
      .finally(() => {
        write();
        this.outboundBusy = false;
        const backlog = this.outboundBacklog;
        while (backlog.length > 0 && !this.outboundBusy) this.outbound(backlog.shift()!);
      })
      .catch((err: unknown) => this.engine.reportError(err));
  }

  /** A CALL that middleware neither passed on nor refused still gets its answer. */
  private inboundDone(ctx: InboundContext): void {
    const message = ctx.message;
    if (message[0] === MessageType.CALL && !ctx.passed && !ctx.answered) {
      answerError(
        this.engine,
        message[1],
        message[2],
        message[3],
        new RPCInternalError("The call was not passed on by middleware"),
      );
    }
  }

  /** A failing middleware: the CALL is answered InternalError; any other message is routed anyway. */
  private inboundFailed(ctx: InboundContext, route: () => void, err: unknown): void {
    this.engine.reportError(err);
    if (ctx.passed || ctx.answered) return;
    if (ctx.message[0] === MessageType.CALL) {
      ctx.refuse(new RPCInternalError("Middleware failed"));
    } else {
      route();
    }
  }

  private overflow(length: number): boolean {
    if (length < MAX_MIDDLEWARE_BACKLOG) return false;
    void this.engine.close({
      code: 1011,
      reason: "Middleware backlog full",
      awaitPending: false,
    });
    return true;
  }
}
