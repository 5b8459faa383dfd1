import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, fnv1a32, shortHash, wideHash } from '../../../src/operator/kube/hash.ts';

const SAFE = /^[bcdfghjklmnpqrstvwxz2456789]+$/;

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }),
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('drops undefined members, writes undefined array items as null and honours toJSON', () => {
    const created = new Date('2024-05-01T10:00:00Z');
    assert.equal(
      canonicalJson({ when: created, gone: undefined, list: [undefined, 1] }),
      '{"list":[null,1],"when":"2024-05-01T10:00:00.000Z"}',
    );
  });

  it('is independent of key insertion order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        assert.equal(canonicalJson(reversed), canonicalJson(object));
      }),
    );
  });
});

describe('fnv1a32', () => {
  // Reference values of the FNV-1a 32-bit test suite (Fowler/Noll/Vo).
  for (const [input, expected] of [
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ] as const) {
    it(`hashes "${input}" to 0x${expected.toString(16)}`, () => assert.equal(fnv1a32(input), expected));
  }

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    // An independent BigInt rendering of the algorithm over the two bytes of "é" (0xc3 0xa9).
    let expected = 0x811c9dc5n;
    for (const byte of [0xc3n, 0xa9n]) expected = ((expected ^ byte) * 0x01000193n) % 2n ** 32n;
    assert.equal(fnv1a32('é'), Number(expected));
  });
});

describe('shortHash', () => {
  it('has upstream shape: 1-10 characters of the safe alphabet', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const hash = shortHash(value);
        assert.match(hash, SAFE);
        assert.ok(hash.length >= 1 && hash.length <= 10, hash);
      }),
    );
  });

  it('is the decimal FNV-1a of the canonical JSON, digit by digit', () => {
    const decimal = String(fnv1a32('"nginx-6d4cf56db6-nginx"'));
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    const expected = [...decimal].map((digit) => alphabet[digit.charCodeAt(0) % 27]).join('');
    assert.equal(shortHash('nginx-6d4cf56db6-nginx'), expected);
  });

  it('is stable across key order and differs for different values', () => {
    assert.equal(shortHash({ kind: 'Pod', name: 'a' }), shortHash({ name: 'a', kind: 'Pod' }));
    assert.notEqual(shortHash({ kind: 'Pod', name: 'a' }), shortHash({ kind: 'Pod', name: 'b' }));
  });
});

describe('wideHash', () => {
  it('gives the requested length in the safe alphabet', () => {
    assert.match(wideHash('x'), /^[bcdfghjklmnpqrstvwxz2456789]{16}$/);
    assert.equal(wideHash('x', 26).length, 26);
    assert.throws(() => wideHash('x', 27), /1\.\.26/);
  });

  it('has no collisions over 100,000 digests', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++)
      seen.add(wideHash({ digest: `sha256:${i.toString(16).padStart(64, '0')}` }));
    assert.equal(seen.size, 100_000);
  });
});
