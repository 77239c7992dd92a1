import type WebSocket from "ws";

/**
 * Stops reading from a peer for as long as anyone asks (outbound backpressure, a full worker
 * pool): reading resumes when the last hold is released, so one reason's resume never
 * undoes another's pause.
 */
export class ReadPause {
  private holds = 0;

  constructor(private readonly ws: WebSocket) {}

  hold(): void {
    if (this.holds++ === 0) this.ws.pause();
  }

  release(): void {
    if (this.holds > 0 && --this.holds === 0) this.ws.resume();
  }
}
