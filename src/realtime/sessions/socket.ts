// What the real-time code needs of one WebSocket: its state, its unsent bytes, send and close.
// The `ws` adapter's sockets (src/realtime/use/ws.ts) are such sockets; nothing else here
// depends on `ws`.

/** WebSocket readyState OPEN (the same number in `ws` and in browsers). */
export const OPEN = 1;

export interface LiveSocket {
  readonly readyState: number;
  /** Bytes queued and not yet sent (ws's queue and the OS socket's user-space buffer). */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
