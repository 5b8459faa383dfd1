import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  extractPrintableStrings,
  isBinaryContent,
  defaultSkipPatterns,
} from '../../../src/scanner/secrets/files.ts';
import { matchesSkipPattern, requiredLiteral, requiredSuffixes } from '../../../src/util/path-globs.ts';
import { posix } from 'node:path';

describe('isBinaryContent', () => {
  it('flags control bytes other than BEL..CR (except VT) and ESC in the first 300 bytes', () => {
    for (const b of [0, 1, 6, 11, 14, 26, 28, 31, 127]) {
      assert.equal(isBinaryContent(Buffer.from([0x41, b, 0x42])), true, `byte ${b}`);
    }
    for (const b of [7, 8, 9, 10, 12, 13, 27, 0x20, 0x80, 0xff]) {
      assert.equal(isBinaryContent(Buffer.from([0x41, b, 0x42])), false, `byte ${b}`);
    }
    assert.equal(isBinaryContent(Buffer.concat([Buffer.alloc(300, 0x61), Buffer.from([0])])), false);
    assert.equal(isBinaryContent(Buffer.alloc(0)), false);
  });
});

describe('extractPrintableStrings', () => {
  it('keeps runs of 5+ printable bytes, one per line', () => {
    const input = Buffer.from([
      ...Buffer.from('abcd'),
      0,
      ...Buffer.from('hello world'),
      1,
      2,
      ...Buffer.from('12345'),
      0x80,
      ...Buffer.from('tail!'),
    ]);
    assert.equal(extractPrintableStrings(input).toString('latin1'), 'hello world\n12345\ntail!\n');
  });

  it('never grows beyond the input plus one byte and only emits printable bytes and newlines', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const out = extractPrintableStrings(bytes);
        assert.ok(out.length <= bytes.length + 1);
        for (const b of out) assert.ok(b === 0x0a || (b >= 0x20 && b <= 0x7e) || (b >= 0xa1 && b !== 0xad));
      }),
    );
  });
});

describe('matchesSkipPattern', () => {
  it('matches with or without a leading slash', () => {
    assert.equal(matchesSkipPattern('/app/node_modules/x/index.js', defaultSkipPatterns), true);
    assert.equal(matchesSkipPattern('app/Gemfile.lock', defaultSkipPatterns), true);
    assert.equal(matchesSkipPattern('app/photo.jpg', defaultSkipPatterns), true);
    assert.equal(matchesSkipPattern('app/photo.jpg.txt', defaultSkipPatterns), false);
    assert.equal(matchesSkipPattern('app/go.mod.bak', defaultSkipPatterns), false);
    assert.equal(matchesSkipPattern('.git/config', defaultSkipPatterns), true);
    assert.equal(matchesSkipPattern('go.mod', defaultSkipPatterns), true);
  });

  it('pre-filters on the literal every match contains, never on text a wildcard may leave out', () => {
    assert.equal(requiredLiteral('**/.git/**'), '.git');
    assert.equal(requiredLiteral('**/node_modules/**'), 'node_modules');
    assert.equal(requiredLiteral('**/*.{jpg,png,tar}'), '.');
    assert.equal(requiredLiteral('app/*/config[0-9].yaml'), 'config');
    assert.equal(requiredLiteral('!**/keep.txt'), '');
  });

  it('pre-filters on the endings every match has, when the last segment ends in text or in one group', () => {
    assert.deepEqual(requiredSuffixes('**/*.{jpg,png,tar}'), ['.jpg', '.png', '.tar']);
    assert.deepEqual(requiredSuffixes('**/go.sum'), ['go.sum']);
    assert.deepEqual(requiredSuffixes('app/*/config[0-9].yaml'), ['.yaml']);
    assert.deepEqual(requiredSuffixes('**/*.{gz,}'), ['.gz', '.']);
    assert.deepEqual(requiredSuffixes('x/*.{a,b}.bak'), ['.a.bak', '.b.bak']);
    for (const none of [
      '**/.git/**',
      'etc/**',
      '*',
      '**/*.{jpg}',
      '**/*.{1..3}',
      '**/{a/b,c}',
      '!**/x.txt',
      '*.{a*,b}',
    ])
      assert.equal(requiredSuffixes(none), undefined, none);
  });

  it('decides exactly as path.matchesGlob does', () => {
    const patterns = [
      ...defaultSkipPatterns,
      'app/*/config[0-9].yaml',
      '**/secrets/*.{env,txt}',
      '**/*.{jpg,}',
      '*.{log,lock}',
      'etc/**',
      '*.log',
      '**/a?c/**',
    ];
    const segment = fc.constantFrom(
      'app',
      '.git',
      'node_modules',
      'go.mod',
      'x.jpg',
      'config1.yaml',
      'secrets',
      'k.env',
      'etc',
      'abc',
      'aXc',
      'y.log',
      '.hidden',
      'Gemfile.lock',
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.boolean(), (parts, slash) => {
        const path = `${slash ? '/' : ''}${parts.join('/')}`;
        for (const pattern of patterns) {
          assert.equal(
            matchesSkipPattern(path, [pattern]),
            posix.matchesGlob(path.replace(/^\/+/, ''), pattern),
            `${pattern} on ${path}`,
          );
        }
      }),
      { numRuns: 2000 },
    );
  });
});
