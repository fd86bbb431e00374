/**
 * The one rule for bringing a listener up to date (src/session/follow.ts): every frame with a
 * seq once and in order, whether it came live, from history, or both.
 */
import { describe, expect, it, vi } from 'vitest';
import type { HistoryFrame, ServerFrame } from '../../src/protocol/frames.js';
import { FrameFollower, type HistoryReader } from '../../src/session/follow.js';

const frame = (seq: number): HistoryFrame => ({
  type: 'reply',
  seq,
  role: 'assistant',
  text: `r${seq}`,
  blocks: [],
  ts: 0,
});
const typing: ServerFrame = { type: 'typing', on: false };

/** A conversation's stored history and a follower of it; `got` is what the listener received. */
function setup(stored: number, expectMs?: number) {
  const history: HistoryFrame[] = Array.from({ length: stored }, (_, i) => frame(i + 1));
  const got: ServerFrame[] = [];
  let reads = 0;
  let gate: Promise<void> | undefined;
  const read: HistoryReader = async (afterSeq) => {
    reads++;
    await gate;
    return history.filter((f) => f.seq > afterSeq);
  };
  const follower = new FrameFollower((f) => got.push(f), undefined, undefined, expectMs);
  return {
    history,
    got,
    follower,
    read,
    reads: () => reads,
    seqs: () => got.flatMap((f) => ('seq' in f ? [f.seq] : [])),
    /** Holds reads until the answered function is called. */
    block() {
      let open: () => void = () => undefined;
      gate = new Promise((resolve) => (open = resolve));
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

describe('FrameFollower', () => {
  it('sends the replay, then the frames held while the conversation was opened, once', () => {
    const t = setup(4);
    t.follower.hold();
    t.follower.live(frame(4));
    t.follower.live(frame(5));
    t.follower.live(typing);
    t.follower.start(2, [frame(3), frame(4)], t.read);
    expect(t.seqs()).toEqual([3, 4, 5]);
    expect(t.got.at(-1)).toEqual(typing);
    expect(t.reads()).toBe(0);
  });

  it('catches up on frames it missed, before live frames that came during the read', async () => {
    const t = setup(3);
    t.follower.start(0, t.history.slice(), t.read);
    // 4 and 5 were published while the subscription was away; 6 arrives live during the read.
    t.history.push(frame(4), frame(5));
    const open = t.block();
    const caught = t.follower.catchUp();
    t.history.push(frame(6));
    t.follower.live(frame(6));
    expect(t.seqs()).toEqual([1, 2, 3]);
    open();
    await caught;
    expect(t.seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    t.follower.live(frame(7));
    expect(t.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('repeats nothing when nothing was missed', async () => {
    const t = setup(3);
    t.follower.start(0, t.history.slice(), t.read);
    t.history.push(frame(4));
    t.follower.live(frame(4));
    await t.follower.catchUp();
    t.follower.live(frame(4));
    expect(t.seqs()).toEqual([1, 2, 3, 4]);
    expect(t.reads()).toBe(1);
  });

  it('reads history when a live frame skips a seq (a frame lost or overtaken)', async () => {
    const t = setup(2);
    t.follower.start(0, t.history.slice(), t.read);
    t.history.push(frame(3), frame(4));
    const open = t.block();
    t.follower.live(frame(4));
    // 3 comes late, live: held, then dropped as already sent from history.
    t.follower.live(frame(3));
    open();
    await expect.poll(() => t.seqs()).toEqual([1, 2, 3, 4]);
    expect(t.reads()).toBe(1);
  });

  it('runs a catch-up asked for during one, and one asked for before the start', async () => {
    const t = setup(1);
    t.follower.hold();
    void t.follower.catchUp();
    t.follower.start(0, t.history.slice(), t.read);
    await expect.poll(() => t.reads()).toBe(1);
    const open = t.block();
    const first = t.follower.catchUp();
    t.history.push(frame(2));
    void t.follower.catchUp();
    open();
    await first;
    expect(t.reads()).toBe(3);
    expect(t.seqs()).toEqual([1, 2]);
  });

  it('reads the frames of its own turn from history when they do not come live', async () => {
    const t = setup(1, 20);
    t.follower.start(1, [], t.read);
    // The turn committed 2 and 3; their publish never arrives (lost, subscription away).
    t.history.push(frame(2), frame(3));
    t.follower.expect(3);
    expect(t.seqs()).toEqual([]);
    await expect.poll(() => t.seqs()).toEqual([2, 3]);
    expect(t.reads()).toBe(1);
    t.follower.live(frame(3));
    expect(t.seqs()).toEqual([2, 3]);
  });

  it('reads nothing when the frames of its own turn come live in time', async () => {
    const t = setup(1, 20);
    t.follower.start(1, [], t.read);
    t.follower.expect(3);
    t.follower.live(frame(2));
    t.follower.live(frame(3));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(t.seqs()).toEqual([2, 3]);
    expect(t.reads()).toBe(0);
  });

  it('reads again, later, while the frames of its own turn are still missing', async () => {
    const t = setup(1, 20);
    t.follower.start(1, [], t.read);
    // Not readable yet (the history read answers what is stored: nothing new).
    t.follower.expect(2);
    await expect.poll(() => t.reads()).toBe(1);
    t.history.push(frame(2));
    await expect.poll(() => t.seqs()).toEqual([2]);
    expect(t.reads()).toBe(2);
    t.follower.close();
  });

  it('keeps one timer for the frames of its own turns, turn after turn', async () => {
    const t = setup(1, 20);
    t.follower.start(1, [], t.read);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      for (let seq = 2; seq <= 6; seq++) {
        // The turn resolves before its frame comes live (as through Redis' pub/sub).
        t.follower.expect(seq);
        await new Promise((resolve) => setImmediate(resolve));
        t.follower.live(frame(seq));
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      // The one timer, armed again, still brings a turn whose frame never comes live.
      t.history.push(frame(2), frame(3), frame(4), frame(5), frame(6), frame(7));
      t.follower.expect(7);
      await expect.poll(() => t.seqs()).toEqual([2, 3, 4, 5, 6, 7]);
      expect(t.reads()).toBe(1);
      expect(timers.mock.calls.filter(([, ms]) => ms === 20)).toHaveLength(1);
    } finally {
      timers.mockRestore();
      t.follower.close();
    }
  });

  it('stops waiting for the frames of its own turn when closed', async () => {
    const t = setup(1, 20);
    t.follower.start(1, [], t.read);
    t.follower.expect(2);
    t.follower.close();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(t.reads()).toBe(0);
  });

  it('sends what it holds when history cannot be read, and nothing after close', async () => {
    const errors: unknown[] = [];
    const got: ServerFrame[] = [];
    const follower = new FrameFollower(
      (f) => got.push(f),
      () => Promise.reject(new Error('redis down')),
      (err) => errors.push(err),
    );
    const caught = follower.catchUp();
    follower.live(frame(1));
    await caught;
    expect(errors).toHaveLength(1);
    expect(got).toEqual([frame(1)]);
    follower.close();
    follower.live(frame(2));
    expect(got).toEqual([frame(1)]);
  }, 10_000);
});
