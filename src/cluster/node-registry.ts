import type { EventAdapterInterface } from "./contract.js";

/**
 * This node's view of which nodes are alive, from one heartbeat round trip per interval (the
 * adapter measures on the backend's clock, so node clocks need not agree). A heartbeat that
 * fails says nothing about other nodes: the view is kept and `healthy` turns false.
 */
export class NodeRegistry {
  private live = new Set<string>();
  private beating: Promise<boolean> | undefined;
  healthy = false;

  constructor(
    private readonly adapter: EventAdapterInterface,
    private readonly nodeId: string,
    private readonly lossAfterMs: number,
  ) {}

  /** One heartbeat; resolves with true when it reached the backend. */
  beat(): Promise<boolean> {
    // Overlapping beats would only queue behind each other on a slow backend.
    this.beating ??= this.adapter
      .heartbeat(this.nodeId, this.lossAfterMs)
      .then(
        (nodes) => {
          this.live = new Set(nodes);
          this.live.add(this.nodeId);
          this.healthy = true;
          return true;
        },
        () => {
          this.healthy = false;
          return false;
        },
      )
      .finally(() => {
        this.beating = undefined;
      });
    return this.beating;
  }

  isLive(node: string): boolean {
    return this.live.has(node);
  }

  /** Live, after one fresh heartbeat when the cached view does not know the node yet. */
  async confirmLive(node: string): Promise<boolean> {
    if (this.live.has(node)) return true;
    await this.beat();
    return this.live.has(node);
  }

  nodes(): string[] {
    return [...this.live];
  }
}
