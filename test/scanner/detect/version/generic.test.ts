import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  cargoScheme,
  composerScheme,
  genericScheme,
  goScheme,
  nugetScheme,
  parseGeneric,
} from '../../../../src/scanner/detect/version/generic.ts';
import {
  assertAscending,
  assertInvalid,
  assertInvalidConstraints,
  assertOrderingLaws,
  assertSame,
  assertSatisfies,
} from './laws.ts';

const genericVersion = fc
  .tuple(
    fc.constantFrom('', 'v'),
    fc.array(fc.constantFrom('0', '1', '2', '10', '007'), { minLength: 1, maxLength: 5 }),
    fc.option(
      fc.array(
        fc.constantFrom('alpha', 'beta', 'rc', '0', '1', '11', '20210101000000-abcdef123456', 'x-y', 'A'),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      { nil: undefined },
    ),
    fc.option(fc.constantFrom('incompatible', 'build.5'), { nil: undefined }),
  )
  .map(
    ([prefix, segments, pre, build]) =>
      `${prefix}${segments.join('.')}${pre ? `-${pre.join('.')}` : ''}${build ? `+${build}` : ''}`,
  );

describe('generic scheme (Go, Cargo, Composer, NuGet, …)', () => {
  it('pads numeric segments with zeros and ignores a v prefix and build metadata', () => {
    assertSame(genericScheme, '1.0', '1.0.0');
    assertSame(genericScheme, '1', '1.0.0.0');
    assertSame(nugetScheme, '1.0.0.0', '1.0');
    assertSame(goScheme, 'v1.2.3', '1.2.3');
    assertSame(goScheme, 'v2.0.0+incompatible', 'v2.0.0');
    assertSame(cargoScheme, '1.0.0+build.1', '1.0.0+build.2');
    assertSame(genericScheme, '01.002', '1.2');
    assertSame(genericScheme, '1.0.0-01', '1.0.0-1');
  });

  it('orders any number of segments numerically', () => {
    assertAscending(nugetScheme, ['1.0.0', '1.0.0.1', '1.0.1', '1.0.10', '1.1', '4.5.0.0', '4.5.0.1', '10']);
    assertAscending(genericScheme, ['1.2.3.4.5', '1.2.3.4.6', '1.2.3.5']);
    assertAscending(genericScheme, ['18446744073709551614', '18446744073709551615']);
  });

  it('orders pre-releases semver-style, before their release', () => {
    assertAscending(cargoScheme, [
      '1.0.0-1',
      '1.0.0-2',
      '1.0.0-10',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1-alpha',
      '1.0.1',
    ]);
    assertAscending(composerScheme, ['1.0.0-RC1', '1.0.0-beta1', '1.0.0-beta2', '1.0.0']);
    assertAscending(composerScheme, ['2.0.0alpha', '2.0.0beta', '2.0.0']);
    assertAscending(nugetScheme, ['4.5.0-preview1', '4.5.0-preview2', '4.5.0']);
  });

  it('orders Go pseudo-versions as pre-releases by timestamp', () => {
    assertAscending(goScheme, [
      'v0.0.0-20190101000000-abcdef123456',
      'v0.0.0-20210101000000-123456abcdef',
      'v0.0.0',
      'v0.1.0',
      'v1.2.3',
      'v1.2.4-0.20200101000000-abcdef123456',
      'v1.2.4-0.20210101000000-abcdef123456',
      'v1.2.4-pre',
      'v1.2.4',
    ]);
  });

  it('rejects invalid versions', () => {
    for (const bad of [
      '',
      'v',
      'abc',
      '(devel)',
      'dev-master',
      '1..0',
      '1.0.',
      '.1',
      '1.0.0+',
      ' 1.0',
      '1.0 ',
      'V1.0',
      '1.0.0_1',
      '18446744073709551616',
    ]) {
      assertInvalid(genericScheme, bad);
    }
    assert.deepEqual(parseGeneric('v1.2-rc.1+meta')?.preRelease, ['rc', 1n]);
  });

  it('evaluates every operator, with and without spaces, commas and ||', () => {
    assertSatisfies(genericScheme, [
      ['1.2.3', '1.2.3', true],
      ['1.2.3', '=1.2.3', true],
      ['1.2.3', '== 1.2.3', true],
      ['1.2.3', '!=1.2.3', false],
      ['1.2.3', '> 1.2.2', true],
      ['1.2.3', '<1.2.3', false],
      ['1.2.3', '>= 1.2.3', true],
      ['1.2.3', '=>1.2.3', true],
      ['1.2.3', '<=1.2.3', true],
      ['1.2.3', '=< 1.2.2', false],
      ['1.2.3-beta', '< 1.2.3', true],
      ['1.5', '>=1.0, <2.0', true],
      ['1.5', '>=1.0,<1.5', false],
      ['1.5', '>= 1.0 < 2.0', true],
      ['2.5', '<1.0 || >=2.0, <3.0', true],
      ['1.5', '<1.0 || >=2.0, <3.0', false],
      ['v1.5.0', '>= v1.0.0, < v2.0.0', true],
      ['1.2.9', '~>1.2.3', true],
      ['1.3.0', '~> 1.2.3', false],
      ['1.9', '~>1.2', true],
      ['2.0', '~>1.2', false],
      ['1.9', '~> 1', true],
      ['1.2.9', '~1.2.3', true],
      ['1.3.0', '~1.2.3', false],
      ['1.2.9', '~1.2', true],
      ['1.3', '~1.2', false],
      ['1.9.9', '^1.2.3', true],
      ['2.0.0', '^1.2.3', false],
      ['2.0.0-rc.1', '^1.2.3', true],
      ['0.2.9', '^0.2.3', true],
      ['0.3.0', '^0.2.3', false],
      ['0.0.3', '^0.0.3', true],
      ['0.0.4', '^0.0.3', false],
      ['0.0.9', '^0.0', true],
      ['0.1.0', '^0.0', false],
    ]);
  });

  it('skips text around comparators like go-version, but rejects alternatives without one', () => {
    assertSatisfies(genericScheme, [
      ['1.5', 'range: >=1.0 and <2.0', true],
      ['2.5', 'range: >=1.0 and <2.0', false],
    ]);
    assertInvalidConstraints(genericScheme, '1.0', [
      '',
      'foo',
      '||',
      '>=1.0 ||',
      '>= abc',
      '<18446744073709551616',
    ]);
  });

  it('is a total preorder on generated versions', () => {
    assertOrderingLaws(genericScheme, genericVersion);
  });
});
