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

  it('writes what JSON.stringify writes for a copy with sorted keys (property)', () => {
    // The definition it replaced: names, labels and content hashes already in clusters depend on the same text.
    const sortedCopy = (value: unknown): unknown => {
      if (
        value !== null &&
        typeof value === 'object' &&
        typeof (value as { toJSON?: unknown }).toJSON === 'function'
      )
        return sortedCopy((value as { toJSON: () => unknown }).toJSON());
      if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortedCopy(item)));
      if (value === null || typeof value !== 'object') return value;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined && typeof item !== 'function') sorted[key] = sortedCopy(item);
      }
      return sorted;
    };
    const reference = (value: unknown) => JSON.stringify(sortedCopy(value)) ?? 'null';
    const key = fc
      .oneof(
        fc.string(),
        fc.constantFrom(
          '0',
          '1',
          '9',
          '10',
          '01',
          '-1',
          '1.5',
          '4294967294',
          '4294967295',
          'a',
          'B',
          'é',
          '\u{1F600}',
        ),
      )
      .filter((name) => name !== '__proto__');
    const leaf = fc.oneof(
      fc.jsonValue(),
      fc.constant(undefined),
      fc.constant(() => 1),
      fc.double(),
      fc.date({ noInvalidDate: true }),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('tree'), { maxLength: 5 }),
      object: fc.dictionary(key, tie('tree'), { maxKeys: 6 }),
    }));
    fc.assert(
      fc.property(tree, (value) => assert.equal(canonicalJson(value), reference(value))),
      { numRuns: 500 },
    );
    for (const value of [
      undefined,
      () => 1,
      { toJSON: () => ({ b: 1, a: [undefined] }) },
      // A hole must hash like JSON.stringify renders it (null).
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
      { 10: 1, 9: 2, b: 3, a: 4 },
    ])
      assert.equal(canonicalJson(value), reference(value));
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
