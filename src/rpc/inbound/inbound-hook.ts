import type { RPCError } from "../../protocol/errors.js";
import type { RawFrame } from "../../transport/transport.js";

/**
 * A role's chance to take an inbound frame before the engine reads it: the Node server's
 * worker threads (src/workers/) check big frames off the main thread, and hand them back in
 * order through readVerifiedFrame(). The engine knows nothing else of them, so the browser
 * bundle carries none of it.
 */
export interface InboundHook {
  /** True when the hook took the frame (it will hand it back); false: read it now. */
  offer(data: RawFrame, isBinary: boolean): boolean;
}

/** Strict mode's verdict on an inbound CALL or SEND, reached elsewhere: validate() uses it as it is. */
export interface PresetVerdict {
  readonly messageId: string;
  readonly method: string;
  /** Why the request payload fails; undefined when it passes. */
  readonly error: RPCError | undefined;
}
