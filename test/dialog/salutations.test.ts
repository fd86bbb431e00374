import { describe, expect, it } from 'vitest';
import { isBothWaysSalutation } from '../../src/dialog/salutations.js';

describe('isBothWaysSalutation', () => {
  it('knows the bare words used for both hello and goodbye, written any way', () => {
    for (const text of ['tšau', 'Tsau!', 'head päeva', 'Head paeva.', 'доброй ночи', 'good day']) {
      expect(isBothWaysSalutation(text), text).toBe(true);
    }
  });

  it('leaves a salutation with anything beside it to the classifier', () => {
    for (const text of ['tšau, mul on küsimus', 'tšau, ma lähen', 'head päeva jätku', 'tere']) {
      expect(isBothWaysSalutation(text), text).toBe(false);
    }
  });
});
