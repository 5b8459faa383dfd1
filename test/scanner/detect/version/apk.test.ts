import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { apkScheme, parseApk } from '../../../../src/scanner/detect/version/apk.ts';
import {
  assertAscending,
  assertInvalid,
  assertInvalidConstraints,
  assertOrderingLaws,
  assertSame,
  assertSatisfies,
} from './laws.ts';

const apkVersion = fc
  .tuple(
    fc.array(fc.constantFrom('0', '1', '2', '9', '10', '01', '001', '0010'), { minLength: 1, maxLength: 4 }),
    fc.option(fc.constantFrom('a', 'b', 'z'), { nil: undefined }),
    fc.array(
      fc.tuple(
        fc.constantFrom('alpha', 'beta', 'pre', 'rc', 'b', 'cvs', 'svn', 'git', 'hg', 'p'),
        fc.constantFrom('', '0', '1', '2', '10'),
      ),
      { maxLength: 2 },
    ),
    fc.option(fc.constantFrom('0', '1', '2', '10'), { nil: undefined }),
  )
  .map(
    ([numbers, letter, suffixes, revision]) =>
      `${numbers.join('.').replace(/^0+(?=\d)/, '')}${letter ?? ''}${suffixes.map(([s, n]) => `_${s}${n}`).join('')}` +
      (revision === undefined ? '' : `-r${revision}`),
  );

describe('apk scheme', () => {
  it('follows the documented order of suffixes, revisions, letters and components', () => {
    assertAscending(apkScheme, ['1.2_rc1', '1.2', '1.2-r1', '1.2_p1', '1.2a', '1.2.1']);
  });

  it('orders pre-release suffixes before the release and post-release suffixes after it', () => {
    assertAscending(apkScheme, [
      '1.0_alpha',
      '1.0_alpha1',
      '1.0_alpha2',
      '1.0_alpha10',
      '1.0_beta',
      '1.0_pre',
      '1.0_rc',
      '1.0_rc1',
      '1.0',
      '1.0_cvs',
      '1.0_svn',
      '1.0_git',
      '1.0_hg',
      '1.0_p',
      '1.0_p1',
    ]);
    assertAscending(apkScheme, ['2.0_rc1', '2.0_rc1_p1', '2.0_rc2', '2.0_b1', '2.0_b2', '2.0']);
    assertAscending(apkScheme, ['0.1.0_alpha_pre2', '0.1.0_alpha', '0.1.0', '0.1.0-r1']);
    assertAscending(apkScheme, ['1.0_p1', '1.0_p1-r1', '1.0_p2']);
  });

  it('compares numbers numerically and leading-zero components like decimal fractions', () => {
    assertAscending(apkScheme, ['1.9', '1.10', '1.100']);
    assertAscending(apkScheme, ['1.001', '1.01', '1.1', '1.2']);
    assertAscending(apkScheme, ['1.00', '1.0', '1.05', '1.5']);
    assertAscending(apkScheme, ['1', '1.0', '1.0.0']);
    assertAscending(apkScheme, ['2021.01.02', '2021.1.1']);
  });

  it('orders revisions and letters', () => {
    assertAscending(apkScheme, ['1.1.1d-r1', '1.1.1d-r2', '1.1.1d-r10', '1.1.1e', '1.1.1e-r0', '1.1.1f']);
    assertAscending(apkScheme, ['1.0', '1.0-r0', '1.0-r1', '1.0a', '1.0b', '1.0.1']);
    assertAscending(apkScheme, ['3.0.8-r0', '3.0.8-r1', '3.0.9-r0', '3.0.10-r0', '3.1.0-r0']);
  });

  it('treats identical strings as equal', () => {
    assertSame(apkScheme, '1.2.3-r4', '1.2.3-r4');
    assertSame(apkScheme, '1.2.3_p1-r0', '1.2.3_p1-r0');
  });

  it('rejects invalid versions', () => {
    for (const bad of [
      '',
      'a1',
      '1.0_foo',
      '1.0-x1',
      '1.0-',
      '1.0A',
      '1.0ab',
      '1.0-r1.2',
      '1.0_rc.1',
      '1.0 ',
      'v1.0',
      '1,0',
    ]) {
      assertInvalid(apkScheme, bad);
    }
    assert.ok(parseApk('1.0_rc1_p2-r3'));
  });

  it('evaluates ordering constraints', () => {
    assertSatisfies(apkScheme, [
      ['1.1.1d-r1', '<1.1.1d-r2', true],
      ['1.1.1d-r2', '< 1.1.1d-r2', false],
      ['1.1.1d-r2', '<=1.1.1d-r2', true],
      ['1.2_rc1', '<1.2', true],
      ['1.2_p1', '>1.2', true],
      ['1.2_p1', '>=1.0, <1.2', false],
      ['1.2_p1', '>=1.0, <1.2 || =1.2_p1', true],
    ]);
    assertInvalidConstraints(apkScheme, '1.0', ['', '<', '< 1.0_foo', '~1.0', '>=1.0 <2.0']);
  });

  it('is a total preorder on generated versions', () => {
    assertOrderingLaws(apkScheme, apkVersion);
  });
});
