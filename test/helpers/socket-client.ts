/**
 * The one WebSocket test client, for the citizens' /ws and the agents' /staff/ws alike: it
 * collects every frame and lets a test wait for the next one of a type (in order) or for the
 * first one that matches (in any order).
 */
import WebSocket from 'ws';

export class SocketClient<F extends { type: string }> {
  readonly frames: F[] = [];
  private cursor = 0;
  private readonly taken = new Set<F>();
  private waiters: { match: (f: F) => boolean; resolve: (f: F) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as F;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) =>
        w.match(frame) ? (w.resolve(frame), false) : true,
      );
    });
  }

  /** Opens the socket; an HTTP answer instead of the upgrade rejects with `HTTP <status>`. */
  static connect<F extends { type: string }>(
    url: string,
    options?: WebSocket.ClientOptions,
  ): Promise<SocketClient<F>> {
    const ws = new WebSocket(url, options);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new SocketClient<F>(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame of the type after those already passed, waiting up to `ms`. */
  next<T extends F['type']>(type: T, ms = 5000): Promise<Extract<F, { type: T }>> {
    const match = (f: F) => f.type === type;
    for (let i = this.cursor; i < this.frames.length; i++) {
      const f = this.frames[i];
      if (f && match(f)) {
        this.cursor = i + 1;
        return Promise.resolve(f as Extract<F, { type: T }>);
      }
    }
    this.cursor = this.frames.length;
    // The cursor moves when the frame arrives, not a microtask later: frames that came in the
    // same chunk right after it are still ahead.
    return this.waitFor(match, ms, `${type} frame`, (f) => {
      this.cursor = this.frames.lastIndexOf(f) + 1;
    }) as Promise<Extract<F, { type: T }>>;
  }

  /** The first frame, received or coming, that matches and was not taken by an earlier wait. */
  wait(match: (f: F) => boolean, ms = 5000): Promise<F> {
    const seen = this.frames.find((f) => !this.taken.has(f) && match(f));
    if (seen) {
      this.taken.add(seen);
      return Promise.resolve(seen);
    }
    return this.waitFor(
      (f) => !this.taken.has(f) && match(f),
      ms,
      'matching frame',
      (f) => this.taken.add(f),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private waitFor(
    match: (f: F) => boolean,
    ms: number,
    what: string,
    onMatch: (f: F) => void,
  ): Promise<F> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(this.frames)}`)),
        ms,
      );
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          onMatch(f);
          resolve(f);
        },
      });
    });
  }
}
