import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isOsPackageVulnerable,
  isVulnerable,
  languageFixedVersion,
} from '../../../../src/scanner/detect/version/matching.ts';
import { osMatchingRule } from '../../../../src/scanner/detect/version/registry.ts';
import { schemes } from '../../../../src/scanner/detect/version/registry.ts';
import { InvalidConstraintError, InvalidVersionError } from '../../../../src/scanner/detect/version/types.ts';
import { UserFacingError } from '../../../../src/util/errors.ts';

const debian = osMatchingRule('debian')!;
const alpine = osMatchingRule('alpine')!;
const amazon = osMatchingRule('amazon')!;
const redhat = osMatchingRule('redhat')!;

describe('OS matching rule', () => {
  it('matches when the installed version is older than the fixed one', () => {
    const advisory = { FixedVersion: '1.43.4-2+deb9u1' };
    assert.equal(isOsPackageVulnerable('1.43.4-2', advisory, debian), true);
    assert.equal(isOsPackageVulnerable('1.43.4-2+deb9u1', advisory, debian), false);
    assert.equal(isOsPackageVulnerable('1.43.4-3', advisory, debian), false);
    assert.equal(isOsPackageVulnerable('1:1.0-1', advisory, debian), false);
    assert.equal(isOsPackageVulnerable('2.17-317.el7', { FixedVersion: '2.17-317.el7_9.1' }, redhat), true);
    assert.equal(isOsPackageVulnerable('1.1.1d-r1', { FixedVersion: '1.1.1d-r2' }, alpine), true);
  });

  it('matches unfixed advisories except where the family has no unfixed path', () => {
    assert.equal(isOsPackageVulnerable('5.0-4', {}, debian), true);
    assert.equal(isOsPackageVulnerable('5.0-4', { FixedVersion: '' }, debian), true);
    assert.equal(isOsPackageVulnerable('2.17-317.el7', {}, redhat), true);
    assert.equal(isOsPackageVulnerable('1:2.0.1-3.amzn2', {}, amazon), false);
    assert.equal(isOsPackageVulnerable('1:2.0.1-3.amzn2', { FixedVersion: '1:2.0.1-4.amzn2' }, amazon), true);
  });

  it('honours Alpine AffectedVersion', () => {
    const advisory = { FixedVersion: '1.1.1d-r3', AffectedVersion: '1.1.1d-r1' };
    assert.equal(isOsPackageVulnerable('1.1.1d-r0', advisory, alpine), false);
    assert.equal(isOsPackageVulnerable('1.1.1d-r1', advisory, alpine), true);
    assert.equal(isOsPackageVulnerable('1.1.1d-r3', advisory, alpine), false);
    // Other families ignore the field.
    assert.equal(
      isOsPackageVulnerable('1.0-1', { FixedVersion: '1.0-3', AffectedVersion: '1.0-2' }, debian),
      true,
    );
  });

  it('throws InvalidVersionError for unreadable installed or fixed versions', () => {
    assert.throws(
      () => isOsPackageVulnerable('not-a-version', { FixedVersion: '1.0' }, debian),
      InvalidVersionError,
    );
    assert.throws(() => isOsPackageVulnerable('not-a-version', {}, debian), InvalidVersionError);
    assert.throws(() => isOsPackageVulnerable('1.0', { FixedVersion: '~bad' }, debian), InvalidVersionError);
  });
});

describe('language matching rule', () => {
  it('matches the lodash example from the DB', () => {
    const advisory = { PatchedVersions: ['4.17.12'], VulnerableVersions: ['< 4.17.12'] };
    assert.equal(isVulnerable('4.17.11', advisory, schemes.npm), true);
    assert.equal(isVulnerable('4.17.12', advisory, schemes.npm), false);
    assert.equal(isVulnerable('4.17.13', advisory, schemes.npm), false);
    assert.equal(isVulnerable('4.17.12-beta.1', advisory, schemes.npm), true);
  });

  it('treats an empty vulnerable or patched entry as always vulnerable', () => {
    assert.equal(isVulnerable('9.9.9', { VulnerableVersions: [''] }, schemes.npm), true);
    assert.equal(isVulnerable('9.9.9', { PatchedVersions: ['', '>=1.0.0'] }, schemes.npm), true);
    assert.equal(isVulnerable('not valid', { VulnerableVersions: ['<1.0.0', ''] }, schemes.npm), true);
  });

  it('ORs vulnerable ranges and requires one of them when present', () => {
    const advisory = { VulnerableVersions: ['>=1.0, <1.2', '>=2.0, <2.1', '=3.0.3'] };
    assert.equal(isVulnerable('1.1', advisory, schemes.pep440), true);
    assert.equal(isVulnerable('1.5', advisory, schemes.pep440), false);
    assert.equal(isVulnerable('2.0.5', advisory, schemes.pep440), true);
    assert.equal(isVulnerable('3.0.3', advisory, schemes.pep440), true);
    assert.equal(isVulnerable('3.0.4', advisory, schemes.pep440), false);
  });

  it('uses patched versions alone when no vulnerable range is given', () => {
    const advisory = { PatchedVersions: ['>=2.3.1'] };
    assert.equal(isVulnerable('2.3.0', advisory, schemes.pep440), true);
    assert.equal(isVulnerable('2.3.1', advisory, schemes.pep440), false);
  });

  it('treats patched and unaffected versions as secure', () => {
    const advisory = {
      PatchedVersions: ['~> 5.2.4, >= 5.2.4.3', '>= 6.0.3.1'],
      UnaffectedVersions: ['< 5.0.0'],
    };
    assert.equal(isVulnerable('4.2.11', advisory, schemes.rubygems), false);
    assert.equal(isVulnerable('5.1.7', advisory, schemes.rubygems), true);
    assert.equal(isVulnerable('5.2.4.2', advisory, schemes.rubygems), true);
    assert.equal(isVulnerable('5.2.4.3', advisory, schemes.rubygems), false);
    assert.equal(isVulnerable('6.0.0', advisory, schemes.rubygems), true);
    assert.equal(isVulnerable('6.0.3.1', advisory, schemes.rubygems), false);
  });

  it('combines vulnerable ranges with secure versions', () => {
    const advisory = {
      VulnerableVersions: ['>= 2.0.0, < 2.9.10.4'],
      PatchedVersions: ['2.9.10.4'],
      UnaffectedVersions: ['2.9.9.9'],
    };
    assert.equal(isVulnerable('2.9.10.3', advisory, schemes.maven), true);
    assert.equal(isVulnerable('2.9.9.9', advisory, schemes.maven), false);
    assert.equal(isVulnerable('1.9', advisory, schemes.maven), false);
  });

  it('is not vulnerable when the advisory has no ranges at all', () => {
    assert.equal(isVulnerable('1.0.0', {}, schemes.npm), false);
    assert.equal(
      isVulnerable(
        '1.0.0',
        { VulnerableVersions: [], PatchedVersions: [], UnaffectedVersions: [] },
        schemes.go,
      ),
      false,
    );
  });

  it('throws typed errors for bad constraints or versions, even when another entry matches', () => {
    assert.throws(
      () => isVulnerable('1.0.0', { VulnerableVersions: ['<2.0.0', 'garbage'] }, schemes.npm),
      InvalidConstraintError,
    );
    assert.throws(
      () => isVulnerable('1.0.0', { PatchedVersions: ['>=1.0.0', '~~'] }, schemes.npm),
      InvalidConstraintError,
    );
    assert.throws(
      () => isVulnerable('(devel)', { VulnerableVersions: ['<2.0.0'] }, schemes.go),
      InvalidVersionError,
    );
    try {
      isVulnerable('1.0.0', { VulnerableVersions: ['garbage'] }, schemes.npm);
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof UserFacingError);
      assert.match((error as Error).message, /invalid npm version constraint "garbage"/);
    }
  });
});

describe('languageFixedVersion', () => {
  it('lists distinct patched versions', () => {
    assert.equal(
      languageFixedVersion({ PatchedVersions: ['4.17.12', '4.17.12', '3.10.2'] }),
      '4.17.12, 3.10.2',
    );
  });

  it('falls back to the strict upper bounds of the vulnerable ranges', () => {
    assert.equal(
      languageFixedVersion({
        VulnerableVersions: ['>=1.0, <1.2.5', '<= 2.0', '< 3.0', '>= 4.0, < 1.2.5', '=5.0'],
      }),
      '1.2.5, 3.0',
    );
    assert.equal(languageFixedVersion({ VulnerableVersions: ['>=1.0'] }), '');
    assert.equal(languageFixedVersion({}), '');
  });
});
