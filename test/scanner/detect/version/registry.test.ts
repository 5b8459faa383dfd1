import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applicationEcosystem,
  applicationScheme,
  ecosystemScheme,
  osMatchingRule,
  schemes,
} from '../../../../src/scanner/detect/version/registry.ts';

describe('version scheme registry', () => {
  it('names every scheme by its key', () => {
    for (const [name, scheme] of Object.entries(schemes)) assert.equal(scheme.name, name);
  });

  it('maps OS families to comparators and matching rules', () => {
    const expected: Record<string, string> = {
      debian: 'dpkg',
      ubuntu: 'dpkg',
      amazon: 'dpkg',
      alpine: 'apk',
      wolfi: 'apk',
      chainguard: 'apk',
      minimos: 'apk',
      redhat: 'rpm',
      centos: 'rpm',
      alma: 'rpm',
      rocky: 'rpm',
      oracle: 'rpm',
      azurelinux: 'rpm',
      'cbl-mariner': 'rpm',
      photon: 'rpm',
      sles: 'rpm',
      'opensuse.leap': 'rpm',
    };
    for (const [family, scheme] of Object.entries(expected)) {
      assert.equal(osMatchingRule(family)?.scheme.name, scheme, family);
    }
    assert.equal(osMatchingRule('amazon')?.matchesUnfixed, false);
    assert.equal(osMatchingRule('debian')?.matchesUnfixed, true);
    assert.equal(osMatchingRule('alpine')?.honoursAffectedVersion, true);
    assert.equal(osMatchingRule('wolfi')?.honoursAffectedVersion, false);
    for (const unknown of ['windows', 'arch', '', '__proto__', 'toString', 'constructor']) {
      assert.equal(osMatchingRule(unknown), undefined, unknown);
    }
  });

  it('maps DB ecosystems to comparators', () => {
    const expected: Record<string, string> = {
      npm: 'npm',
      pip: 'pep440',
      rubygems: 'rubygems',
      cocoapods: 'rubygems',
      maven: 'maven',
      go: 'go',
      cargo: 'cargo',
      composer: 'composer',
      nuget: 'nuget',
      pub: 'generic',
      erlang: 'generic',
      conan: 'generic',
      swift: 'generic',
      julia: 'generic',
      k8s: 'generic',
    };
    for (const [ecosystem, scheme] of Object.entries(expected)) {
      assert.equal(ecosystemScheme(ecosystem)?.name, scheme, ecosystem);
    }
    assert.equal(ecosystemScheme('bitnami'), undefined);
    assert.equal(ecosystemScheme('hasOwnProperty'), undefined);
  });

  it('maps application types to ecosystems and comparators', () => {
    const expected: Record<string, [string, string]> = {
      bundler: ['rubygems', 'rubygems'],
      gemspec: ['rubygems', 'rubygems'],
      rustbinary: ['cargo', 'cargo'],
      'composer-vendor': ['composer', 'composer'],
      gobinary: ['go', 'go'],
      gomod: ['go', 'go'],
      jar: ['maven', 'maven'],
      gradle: ['maven', 'maven'],
      sbt: ['maven', 'maven'],
      'node-pkg': ['npm', 'npm'],
      pnpm: ['npm', 'npm'],
      bun: ['npm', 'npm'],
      'dotnet-core': ['nuget', 'nuget'],
      'packages-props': ['nuget', 'nuget'],
      'python-pkg': ['pip', 'pep440'],
      poetry: ['pip', 'pep440'],
      uv: ['pip', 'pep440'],
      hex: ['erlang', 'generic'],
      kubernetes: ['k8s', 'generic'],
      cocoapods: ['cocoapods', 'rubygems'],
    };
    for (const [type, [ecosystem, scheme]] of Object.entries(expected)) {
      assert.equal(applicationEcosystem(type), ecosystem, type);
      assert.equal(applicationScheme(type)?.name, scheme, type);
    }
    for (const unscanned of ['conda-pkg', 'conda-environment', 'unknown', 'valueOf']) {
      assert.equal(applicationEcosystem(unscanned), undefined, unscanned);
      assert.equal(applicationScheme(unscanned), undefined, unscanned);
    }
  });
});
