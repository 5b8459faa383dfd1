import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { npmScheme, toNodeSemverRange } from '../../../../src/scanner/detect/version/npm.ts';
import {
  assertAscending,
  assertInvalid,
  assertInvalidConstraints,
  assertOrderingLaws,
  assertSame,
  assertSatisfies,
} from './laws.ts';

const identifier = fc.constantFrom('alpha', 'beta', 'rc', '0', '1', '2', '10', 'x-y', 'A', 'a1');
const npmVersion = fc
  .tuple(
    fc.nat(3),
    fc.nat(3),
    fc.nat(12),
    fc.array(identifier, { maxLength: 3 }),
    fc.option(fc.constantFrom('build.1', 'sha.abc'), { nil: undefined }),
  )
  .map(
    ([major, minor, patch, pre, build]) =>
      `${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}${build ? `+${build}` : ''}`,
  );

describe('npm scheme', () => {
  it('orders releases and pre-releases as semver', () => {
    assertAscending(npmScheme, [
      '1.0.0-0',
      '1.0.0-1',
      '1.0.0-10',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0',
    ]);
  });

  it('ignores build metadata and a v prefix', () => {
    assertSame(npmScheme, '1.0.0+build.1', '1.0.0+build.2');
    assertSame(npmScheme, 'v1.2.3', '1.2.3');
    assertSame(npmScheme, ' 1.2.3 ', '1.2.3');
  });

  it('rejects versions that are not full semver', () => {
    for (const bad of [
      '',
      '1',
      '1.2',
      '1.2.3.4',
      '01.2.3',
      '1.2.3-',
      'a.b.c',
      '1.2.3-01',
      'latest',
      '^1.2.3',
    ]) {
      assertInvalid(npmScheme, bad);
    }
  });

  it('includes pre-releases in ordinary ranges, as Trivy does', () => {
    assertSatisfies(npmScheme, [
      ['1.2.3-beta', '>=1.2.0, <1.2.5', true],
      ['4.17.12-rc.1', '< 4.17.12', true],
      ['2.0.0-beta', '>=1.0.0 <2.0.0', true],
      ['1.5.0-beta', '1.x', true],
    ]);
  });

  it('supports every operator form, with and without spaces, commas and ||', () => {
    assertSatisfies(npmScheme, [
      ['4.17.11', '< 4.17.12', true],
      ['4.17.12', '< 4.17.12', false],
      ['4.17.12', '<4.17.12', false],
      ['4.17.12', '<= 4.17.12', true],
      ['4.17.12', '>4.17.11', true],
      ['4.17.12', '> 4.17.12', false],
      ['4.17.12', '>=4.17.12', true],
      ['4.17.12', '=4.17.12', true],
      ['4.17.12', '== 4.17.12', true],
      ['4.17.12', '4.17.12', true],
      ['4.17.13', '=4.17.12', false],
      ['1.2.4', '=> 1.2.3, =< 1.2.4', true],
      ['1.2.4', '>=1.2.0,<1.2.4', false],
      ['1.2.4', '>=1.2.0 , < 1.2.5', true],
      ['1.2.4', '>=1.0.0 <1.1.0 || >=1.2.0 <1.3.0', true],
      ['1.1.4', '>=1.0.0 <1.1.0 || >=1.2.0 <1.3.0', false],
      ['1.9.0', '^1.2.3', true],
      ['2.0.0', '^1.2.3', false],
      ['0.2.9', '^0.2.3', true],
      ['0.3.0', '^0.2.3', false],
      ['1.2.9', '~1.2.3', true],
      ['1.3.0', '~1.2.3', false],
      ['1.2.0', '1.2.x', true],
      ['1.3.0', '1.2.*', false],
      ['2.3.4', '1.2.3 - 2.3.4', true],
      ['2.3.5', '1.2.3 - 2.3.4', false],
      ['5.0.0', '*', true],
      ['1.0.9', '~> 1.0.0', true],
    ]);
  });

  it('rewrites Trivy-DB spellings into node-semver ranges', () => {
    assert.equal(toNodeSemverRange('=> 1.0, =< 2.0 || == 3.0'), '>= 1.0  <= 2.0 || = 3.0');
  });

  it('rejects malformed constraints', () => {
    assertInvalidConstraints(npmScheme, '1.0.0', [
      '',
      '||',
      '>=1.0.0 ||',
      'foo',
      '>=1.0.0 <',
      '<<1.0.0',
      '!=1.0.0',
    ]);
  });

  it('is a total preorder on generated versions', () => {
    assertOrderingLaws(npmScheme, npmVersion);
  });
});
