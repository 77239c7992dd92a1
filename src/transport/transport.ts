/**
 * The tiny interface the RPC engine runs over. Adapters: `node-transport.ts` (the `ws`
 * package) and `browser-transport.ts` (the native WebSocket). The engine never imports either.
 */
export interface Transport {
  /** The subprotocol the handshake settled on ("" when none). */
  readonly protocol: string;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  /** True while frames can still be sent (open, or closing with the socket still writable). */
  readonly writable: boolean;
  /** Sends one text frame. Never throws; failures surface through `onError`/`onClose`. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Destroys the connection at once, without a closing handshake. */
  terminate(): void;
  /** Sends a WebSocket ping; false where the platform cannot (browsers). */
  ping(): boolean;
  /** Routes the transport's events to `listener` (one listener per transport). */
  listen(listener: TransportListener): void;
}

/** What a transport reports. The payload of `onMessage` is the raw frame (Buffer in Node). */
export interface TransportListener {
  onMessage(data: RawFrame, isBinary: boolean): void;
  onClose(code: number, reason: string): void;
  onError(error: Error): void;
  onPong(): void;
  onPing(): void;
}

/** A received frame as the platform hands it over: a string or bytes with `toString()`. */
export type RawFrame = string | { toString(encoding?: "utf8"): string };
