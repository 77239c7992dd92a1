import type { EngineCore } from "./engine-core.js";
import type { EventArgs, EventName } from "./emitter.js";
import type { ClientEvents } from "./types.js";

/**
 * A second observer of an engine's events, beside its listeners: the Node roles set one (the
 * diagnostics_channel publisher); the browser client never does. `wants` is asked on the
 * publish path before a payload is built, so a tap whose channels have no subscribers costs
 * one check per event and builds nothing.
 */
export interface EngineTap {
  /** True when someone outside the engine wants `event` now. */
  wants(event: EventName<ClientEvents>): boolean;
  /** `event` happened on `engine` (asked for with wants()). Never throws. */
  tell<E extends EventName<ClientEvents>>(
    engine: EngineCore,
    event: E,
    args: EventArgs<ClientEvents, E>,
  ): void;
  /** `engine` has an open transport. */
  opened(engine: EngineCore): void;
}
