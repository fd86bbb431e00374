import type { WebSocket, WebSocketServer } from 'ws';

export interface Heartbeat {
  /** Starts watching a new socket: its pongs keep it alive. */
  watch(ws: WebSocket): void;
  stop(): void;
}

/**
 * Pings every socket each `intervalMs`; one that has not answered the previous ping is
 * terminated, so dead connections (a closed laptop, a lost network) do not linger.
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number): Heartbeat {
  const alive = new WeakMap<WebSocket, boolean>();
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return {
    watch(ws) {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
    },
    stop: () => clearInterval(timer),
  };
}
