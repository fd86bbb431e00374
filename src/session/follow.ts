/**
 * The one rule for bringing a listener of a conversation up to date: every frame with a seq
 * reaches it once and in order, from two sources — the hub (live) and the stored history (what
 * it has not had yet, the frames after the last seq it got). Used when a socket opens or
 * resumes a conversation, when this instance's pub/sub subscription comes back after a Redis
 * fault (frames published meanwhile never reached it), and when a live frame shows a gap in
 * seq (a frame lost or overtaken between instances).
 *
 * While history is read, live frames are held; then the history frames go out, then the held
 * ones, and any frame at or below the last seq sent is skipped, so a frame that reached the
 * listener both ways is sent once.
 *
 * A listener that made a turn knows the seq its commit reached (`expect`): when those frames
 * have not all come live within a bound (their publish lost, this instance's subscription
 * away for long), it catches up from history then, and again later while they are missing,
 * instead of waiting for a gap or a comeback that may not come.
 */
import type { HistoryFrame, ServerFrame } from '../protocol/frames.js';

/** Reads the frames after `afterSeq` (the resume rule is checked by the reader). */
export type HistoryReader = (afterSeq: number) => Promise<readonly HistoryFrame[]>;

/** Attempts to read history before the held frames go out anyway (Redis still flapping). */
const READ_ATTEMPTS = 3;
const RETRY_MS = 500;
/** Live frames held while history is read, at most; beyond it the oldest are dropped. */
const HELD_LIMIT = 1000;
/**
 * How long the frames of the listener's own committed turn may take to come live before they
 * are read from history (beyond a publish's retries, 1.5 s), and the longest pause between
 * later reads while they are still missing (doubling from the first).
 */
const EXPECT_MS = 2000;
const EXPECT_MAX_MS = 30_000;

export class FrameFollower {
  /** Highest seq delivered. */
  private last = 0;
  /** Live frames held while history is read (undefined: delivered as they come). */
  private held: ServerFrame[] | undefined;
  /** Not started yet: frames are held and a catch-up waits for `start`. */
  private waiting = false;
  private reading = false;
  /** A catch-up was asked for while one ran (or before `start`): run it when that ends. */
  private again = false;
  private closed = false;
  /** The highest seq committed by the listener's own turns (`expect`). */
  private expected = 0;
  /**
   * The listener's one timer for its own turns' frames, made at its first `expect` and armed
   * again (`refresh`) by later turns: no timer object per turn. A new one only for a longer
   * pause while frames stay missing (`expectDelay` is its duration).
   */
  private expectTimer: NodeJS.Timeout | undefined;
  private expectDelay = 0;
  /** Whether the timer is pending (a fired or never-made one is not). */
  private expectArmed = false;

  /**
   * @param deliver sends one frame to the listener.
   * @param read the conversation's history after a seq; given to `start` instead when the
   *   conversation is not known yet.
   * @param onReadError a catch-up whose reads all failed (the held frames still go out).
   * @param expectMs how long an expected frame may take live (tests shorten it).
   */
  constructor(
    private readonly deliver: (frame: ServerFrame) => void,
    private read?: HistoryReader,
    private readonly onReadError?: (err: unknown) => void,
    private readonly expectMs = EXPECT_MS,
  ) {}

  get lastSeq(): number {
    return this.last;
  }

  /** Holds live frames until `start` (a socket listening before its conversation is opened). */
  hold(): void {
    this.waiting = true;
    this.held ??= [];
  }

  /**
   * Starts delivering: `lastSeq` is what the listener already has, `replay` the history after
   * it (read by the opener); then the frames held since `hold`.
   */
  start(lastSeq: number, replay: readonly HistoryFrame[], read?: HistoryReader): void {
    if (read) this.read = read;
    this.waiting = false;
    this.last = lastSeq;
    this.send(replay);
    if (this.again) void this.catchUp();
    else this.release();
  }

  /** A frame from the hub. A seq past the next one expected means frames were missed. */
  live(frame: ServerFrame): void {
    if (this.closed) return;
    if (this.held) {
      if (this.held.length >= HELD_LIMIT) this.held.shift();
      this.held.push(frame);
      return;
    }
    if ('seq' in frame && frame.seq > this.last + 1 && this.read) {
      this.held = [frame];
      void this.catchUp();
      return;
    }
    this.send([frame]);
  }

  /** Brings the listener up to date from history (the hub may have missed frames). */
  async catchUp(): Promise<void> {
    if (this.closed) return;
    if (this.waiting || this.reading || !this.read) {
      this.again = this.waiting || this.reading;
      return;
    }
    const read = this.read;
    this.held ??= [];
    this.reading = true;
    try {
      do {
        this.again = false;
        const frames = await this.readWithRetry(read);
        if (this.closed) return;
        this.send(frames);
      } while (this.again);
    } finally {
      this.reading = false;
      this.release();
    }
  }

  /**
   * The listener's own turn committed frames up to `seq`: if they have not all arrived within
   * the bound, they are read from history, and read again (pauses doubling up to 30 s) while
   * they are still missing and the follower is open.
   */
  expect(seq: number): void {
    if (this.closed || seq <= Math.max(this.last, this.expected)) return;
    this.expected = seq;
    if (!this.expectArmed) this.awaitExpected(this.expectMs);
  }

  private awaitExpected(ms: number): void {
    this.expectArmed = true;
    if (this.expectTimer && this.expectDelay === ms) {
      this.expectTimer.refresh();
      return;
    }
    clearTimeout(this.expectTimer);
    this.expectDelay = ms;
    this.expectTimer = setTimeout(this.onExpectTimer, ms);
    this.expectTimer.unref();
  }

  private readonly onExpectTimer = (): void => {
    this.expectArmed = false;
    if (this.closed || this.last >= this.expected) return;
    const ms = this.expectDelay;
    void this.catchUp().then(() => {
      if (!this.closed && this.last < this.expected && !this.expectArmed)
        this.awaitExpected(Math.min(ms * 2, EXPECT_MAX_MS));
    });
  };

  /** Stops delivering (the socket closed or lost access). */
  close(): void {
    this.closed = true;
    this.held = undefined;
    clearTimeout(this.expectTimer);
    this.expectTimer = undefined;
    this.expectArmed = false;
  }

  private async readWithRetry(read: HistoryReader): Promise<readonly HistoryFrame[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read(this.last);
      } catch (err) {
        if (attempt >= READ_ATTEMPTS || this.closed) {
          if (!this.closed) this.onReadError?.(err);
          return [];
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS * attempt));
      }
    }
  }

  /** Sends the held live frames, and delivers live frames as they come again. */
  private release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    if (!this.closed) this.send(held);
  }

  private send(frames: readonly ServerFrame[]): void {
    for (const frame of frames) {
      if ('seq' in frame) {
        if (frame.seq <= this.last) continue;
        this.last = frame.seq;
      }
      this.deliver(frame);
    }
  }
}
