/** What both WebSocket implementations the adapters wrap (`ws`, the platform's) report alike. */
export interface SocketState {
  readonly protocol: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
}

/** The part of a Transport that both adapters read straight off their socket. */
export abstract class SocketTransport<W extends SocketState> {
  constructor(protected readonly ws: W) {}

  get protocol(): string {
    return this.ws.protocol;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** OPEN (1) in both implementations. */
  get writable(): boolean {
    return this.ws.readyState === 1;
  }
}
