import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dpkgScheme, parseDpkg } from '../../../../src/scanner/detect/version/dpkg.ts';
import {
  assertAscending,
  assertInvalid,
  assertInvalidConstraints,
  assertOrderingLaws,
  assertSame,
  assertSatisfies,
  execFileAsync,
  joined,
  samplePairs,
} from './laws.ts';

const dpkgVersion = fc
  .tuple(
    fc.option(fc.constantFrom('0', '1', '2', '10'), { nil: undefined }),
    fc.integer({ min: 0, max: 12 }).map(String),
    joined(
      fc.constantFrom('.', '0', '1', '9', '10', '00', 'a', 'b', 'z', 'A', '~', '+', '~~', 'rc', '.1'),
      5,
    ),
    fc.option(joined(fc.constantFrom('1', '2', '0', 'ubuntu', 'deb', 'u', '+', '.', '~', 'b'), 4), {
      nil: undefined,
    }),
  )
  .map(
    ([epoch, head, rest, revision]) =>
      `${epoch ? `${epoch}:` : ''}${head}${rest}${revision ? `-${revision}` : ''}`,
  );

describe('dpkg scheme', () => {
  it('parses epoch, upstream and revision (revision after the last hyphen)', () => {
    assert.deepEqual(parseDpkg('2:6.0-9ubuntu1'), {
      original: '2:6.0-9ubuntu1',
      epoch: 2,
      upstream: '6.0',
      revision: '9ubuntu1',
    });
    assert.deepEqual(parseDpkg('1.2-3-4'), {
      original: '1.2-3-4',
      epoch: 0,
      upstream: '1.2-3',
      revision: '4',
    });
    assert.deepEqual(parseDpkg(' 7.4.052 '), {
      original: ' 7.4.052 ',
      epoch: 0,
      upstream: '7.4.052',
      revision: '',
    });
    assert.equal(parseDpkg('1:2:3-1')?.upstream, '2:3');
  });

  it('rejects invalid versions', () => {
    for (const bad of [
      '',
      'a1.0',
      'x:1.0',
      '-1:1.0',
      ':1.0',
      '1.0-a/b',
      '1.0 beta',
      '1.0-1!',
      'ä1',
      '~1',
      '1.0@2',
    ]) {
      assertInvalid(dpkgScheme, bad);
    }
  });

  it('orders epochs first, then upstream, then revision', () => {
    assertAscending(dpkgScheme, ['9.9-9', '1:0.1-1', '1:0.1-2', '1:0.2-1', '2:0.0']);
    assertAscending(dpkgScheme, ['1.0-1', '1.0-1ubuntu1', '1.0-1ubuntu1.1', '1.0-2', '1.0.1-1']);
    assertAscending(dpkgScheme, ['1.43.4-2', '1.43.4-2+deb9u1', '1.43.4-2+deb9u2', '1.43.5-1']);
  });

  it('sorts tilde before everything, even the end of the string', () => {
    assertAscending(dpkgScheme, [
      '1.0~~',
      '1.0~~a',
      '1.0~',
      '1.0~beta1',
      '1.0~rc1',
      '1.0',
      '1.0a',
      '1.0+dfsg',
      '1.0.1',
    ]);
    assertAscending(dpkgScheme, ['2.30-1~bpo1', '2.30-1', '2.30-1+b1']);
  });

  it('sorts letters before non-letters and compares digit runs numerically', () => {
    assertAscending(dpkgScheme, ['1.0a', '1.0z', '1.0+', '1.0.']);
    assertAscending(dpkgScheme, ['1.A', '1.Z', '1.a']);
    assertAscending(dpkgScheme, ['1.2', '1.9', '1.10', '1.100', '1.1000000000000000000000000']);
    assertAscending(dpkgScheme, [
      '7.1-022+1ubuntu1',
      '7.1.291-1',
      '7.3.000+hg~ee53a39d5896-1',
      '7.4.052-1ubuntu3',
    ]);
  });

  it('treats missing digits and leading zeros as equal', () => {
    assertSame(dpkgScheme, '1.0', '1.00');
    assertSame(dpkgScheme, '1.01', '1.1');
    assertSame(dpkgScheme, '0:1.0', '1.0');
    assertSame(dpkgScheme, '1.0-0', '1.0');
    assertSame(dpkgScheme, '1.0-', '1.0');
    assertSame(dpkgScheme, '00001', '1');
  });

  it('evaluates ordering constraints', () => {
    assertSatisfies(dpkgScheme, [
      ['1.0-1', '< 1.0-2', true],
      ['1.0-2', '<1.0-2', false],
      ['1.0-2', '<=1.0-2', true],
      ['1.0-2', '<< 1.0-2', false],
      ['1.0-3', '>> 1.0-2', true],
      ['1.0-3', '>=1.0-2, <1.1', true],
      ['1.1', '>=1.0-2, <1.1', false],
      ['1.1', '<1.0 || =1.1', true],
      ['1.1', '1.1', true],
      ['1.1', '!=1.1', false],
    ]);
    assertInvalidConstraints(dpkgScheme, '1.0', ['', '<', '< a1', '~> 1.0', '>=1.0 <2.0']);
  });

  it('agrees with dpkg --compare-versions', async () => {
    const pairs = samplePairs(dpkgVersion, 150, 4242, (v) => [
      `${v}0`,
      `${v}~`,
      `${v}.0`,
      `${v}a`,
      `${v}-0`,
    ]).filter(([a, b]) => parseDpkg(a) && parseDpkg(b));
    const script =
      'while read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; ' +
      'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done';
    const { stdout } = await execFileAsync('sh', [
      '-c',
      `printf '%s\\n' "$@" | { ${script}; }`,
      'sh',
      ...pairs.map((p) => p.join(' ')),
    ]);
    const expected = stdout.trim().split('\n').map(Number);
    assert.equal(expected.length, pairs.length);
    pairs.forEach(([a, b], i) => assert.equal(dpkgScheme.compare(a, b), expected[i], `${a} vs ${b}`));
  });

  it('is a total preorder on generated versions', () => {
    assertOrderingLaws(dpkgScheme, dpkgVersion);
  });
});
