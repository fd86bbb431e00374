/**
 * `Extractors.forDialog` keeps its last reads (a turn reads the same message for the same
 * dialog up to three times): a read again answers what a fresh `Extractors` answers, with a map
 * of the caller's own, and the open question, the clock and the text each count.
 */
import { describe, expect, it } from 'vitest';
import { Extractors } from '../../src/dialog/extract/extractors.js';
import type { NodeOf } from '../../src/dialog/schema.js';
import { heldOutTexts } from '../../scripts/held-out-texts.js';
import { realBundle } from './helpers.js';

const DEC_2026 = { now: Date.UTC(2026, 11, 1) };
const JUN_2030 = { now: Date.UTC(2030, 5, 1) };

describe('forDialog remembers its last reads', () => {
  const bundle = realBundle();
  const kept = new Extractors(bundle.resources, bundle.municipalities);
  const plain = () => new Extractors(bundle.resources, bundle.municipalities);
  const fresh = plain();
  const dialogs = Object.values(bundle.dialogs).map((d) => d.dialog);
  const asList = (m: Map<string, unknown>) => [...m];

  it('answers a repeated read as a fresh read does, on the held-out messages', () => {
    const texts = heldOutTexts().filter((_, i) => i % 7 === 0);
    expect(texts.length).toBeGreaterThan(300);
    let found = 0;
    texts.forEach((text, i) => {
      const dialog = dialogs[i % dialogs.length]!;
      const open = Object.values(dialog.nodes).find(
        (n): n is NodeOf<'question'> => n.kind === 'question',
      );
      const want = asList(fresh.forDialog(dialog, text, DEC_2026));
      const wantOpen = asList(fresh.forDialog(dialog, text, DEC_2026, open));
      // In the order a turn asks: plain, with the open question, plain again.
      expect(asList(kept.forDialog(dialog, text, DEC_2026))).toEqual(want);
      expect(asList(kept.forDialog(dialog, text, DEC_2026, open))).toEqual(wantOpen);
      expect(asList(kept.forDialog(dialog, text, DEC_2026))).toEqual(want);
      if (want.length > 0) found++;
    });
    // The comparison means something only if many messages answer some question.
    expect(found).toBeGreaterThan(50);
  });

  it("gives each caller its own map, and a caller's changes do not come back", () => {
    const dialog = bundle.dialogs['child-birth']!.dialog;
    const text = 'laps sündis eile Tallinnas';
    const first = kept.forDialog(dialog, text, DEC_2026);
    expect(first.size).toBeGreaterThan(0);
    const again = kept.forDialog(dialog, text, DEC_2026);
    expect(again).not.toBe(first);
    const keys = [...first.keys()];
    first.clear();
    first.set('x', { value: 'y', node: 'z' });
    expect([...kept.forDialog(dialog, text, DEC_2026).keys()]).toEqual(keys);
    // Entries are read, never changed: they are frozen.
    expect(Object.isFrozen(again.values().next().value)).toBe(true);
  });

  it('reads again for another clock', () => {
    const dialog = bundle.dialogs.retirement!.dialog;
    const text = 'olen sündinud 1965. aastal';
    const a = asList(kept.forDialog(dialog, text, DEC_2026));
    const b = asList(kept.forDialog(dialog, text, JUN_2030));
    expect(a).toEqual(asList(plain().forDialog(dialog, text, DEC_2026)));
    expect(b).toEqual(asList(plain().forDialog(dialog, text, JUN_2030)));
  });
});
