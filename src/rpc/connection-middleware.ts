import type { EngineCore } from "./engine-core.js";
import { MessagePipeline, MiddlewareStack, type Middleware } from "./middleware.js";

/**
 * One connection's middleware: the stack it runs (its server's, until it adds its own) and
 * its passage through it, made on the first message that has middleware to pass.
 */
export class ConnectionMiddleware {
  private ownStack = false;
  private passage: MessagePipeline | undefined;

  constructor(private stack: MiddlewareStack | undefined) {}

  use(middleware: Middleware): void {
    if (!this.ownStack) {
      // A server-side client adds to its server's stack without changing it for the others.
      this.stack = new MiddlewareStack(this.stack);
      this.ownStack = true;
    }
    this.stack!.use(middleware);
  }

  pipeline(engine: EngineCore): MessagePipeline | undefined {
    const stack = this.stack;
    if (stack === undefined || stack.list.length === 0) return undefined;
    const pipeline = (this.passage ??= new MessagePipeline(engine, stack));
    pipeline.stack = stack;
    return pipeline;
  }
}
