import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KeywordSet } from '../../../src/scanner/secrets/keywords.ts';

function present(set: KeywordSet, text: Uint8Array, start = 0, end = text.length): string[] {
  const found = new Uint8Array(set.keywords.length);
  set.scan(text, start, end, found);
  return set.keywords.filter((_, i) => found[i] === 1);
}

describe('KeywordSet', () => {
  it('finds overlapping and nested keywords case-insensitively in one pass', () => {
    const set = new KeywordSet(['key', 'accountkey', 'sk', 'sk_live_', 'he', 'she', 'hers', 'pk.']);
    assert.deepEqual(present(set, Buffer.from('AccountKey=x; ASK_LIVE_1; ushers')), [
      'key',
      'accountkey',
      'sk',
      'sk_live_',
      'he',
      'she',
      'hers',
    ]);
    assert.deepEqual(present(set, Buffer.from('nothing to see')), []);
  });

  it('only looks inside the given range', () => {
    const set = new KeywordSet(['ghp_', 'akia']);
    const text = Buffer.from('ghp_ middle AKIA');
    assert.deepEqual(present(set, text, 4, 12), []);
    assert.deepEqual(present(set, text, 0, 4), ['ghp_']);
    assert.deepEqual(present(set, text, 12), ['akia']);
  });

  it('matches non-ASCII keywords in their upper and lower case forms', () => {
    const set = new KeywordSet(['clé']);
    assert.deepEqual(present(set, Buffer.from('la CLÉ secrète')), ['clé']);
  });

  it('agrees with a naive lower-case substring search', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', 'B', 'k', 'K', '_', '.', '-', 'y', 'e');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: alphabet, minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.string({ unit: alphabet, maxLength: 300 }),
        (keywords, text) => {
          const set = new KeywordSet(keywords);
          const lower = text.toLowerCase();
          const expected = set.keywords.filter((k) => lower.includes(k.toLowerCase()));
          assert.deepEqual(present(set, Buffer.from(text)), expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
