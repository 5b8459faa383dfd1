import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzers, osAnalyzers, osPackageAnalyzers } from '../../../../src/scanner/analyzers/registry.ts';

describe('analyzer registry', () => {
  it('lists each OS and OS-package analyzer once, with a unique type and a positive version', () => {
    const types = analyzers.map((a) => a.type);
    assert.equal(new Set(types).size, types.length, `duplicate types in ${types.join(', ')}`);
    for (const analyzer of [...osAnalyzers, ...osPackageAnalyzers]) {
      assert.ok(analyzers.includes(analyzer), analyzer.type);
      assert.ok(Number.isInteger(analyzer.version) && analyzer.version > 0, analyzer.type);
    }
    assert.deepEqual(
      osPackageAnalyzers.map((a) => a.type),
      ['dpkg', 'apk', 'rpm'],
    );
  });

  it('routes each well-known file to exactly one OS analyzer', () => {
    const owners = (path: string): string[] =>
      [...osAnalyzers, ...osPackageAnalyzers]
        .filter((a) => a.required({ path, size: 10, mode: 0o644 }))
        .map((a) => a.type);
    const expected: [string, string][] = [
      ['etc/os-release', 'os-release'],
      ['usr/lib/os-release', 'os-release'],
      ['etc/debian_version', 'debian'],
      ['etc/lsb-release', 'ubuntu'],
      ['var/lib/ubuntu-advantage/status.json', 'ubuntu-esm'],
      ['etc/alpine-release', 'alpine'],
      ['etc/apk/repositories', 'apk-repo'],
      ['etc/redhat-release', 'redhat-release'],
      ['etc/oracle-release', 'redhat-release'],
      ['etc/system-release', 'amazon'],
      ['var/lib/dpkg/status', 'dpkg'],
      ['var/lib/dpkg/status.d/base-files', 'dpkg'],
      ['var/lib/dpkg/info/bash.md5sums', 'dpkg'],
      ['lib/apk/db/installed', 'apk'],
      ['var/lib/rpm/Packages', 'rpm'],
      ['usr/lib/sysimage/rpm/Packages.db', 'rpm'],
      ['var/lib/rpm/rpmdb.sqlite', 'rpm'],
    ];
    for (const [path, type] of expected) assert.deepEqual(owners(path), [type], path);
    for (const path of ['etc/passwd', 'usr/bin/bash', 'etc/os-release.bak', 'root/etc/os-release']) {
      assert.deepEqual(owners(path), [], path);
    }
  });
});
