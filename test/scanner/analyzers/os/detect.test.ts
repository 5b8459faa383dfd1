import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Analyzer, AnalysisResult } from '../../../../src/scanner/analyzers/types.ts';
import { AnalyzerError } from '../../../../src/scanner/analyzers/types.ts';
import { osAnalyzers } from '../../../../src/scanner/analyzers/registry.ts';
import type { OperatingSystem } from '../../../../src/scanner/inventory.ts';
import { mergeOsGuesses } from '../../../../src/scanner/analyzers/os/merge.ts';

/** Runs every OS analyzer that wants the file, as the layer walker would; returns what they said. */
async function detect(path: string, text: string): Promise<AnalysisResult[]> {
  const content = Buffer.from(text);
  const results: AnalysisResult[] = [];
  for (const analyzer of osAnalyzers as Analyzer[]) {
    if (!analyzer.required({ path, size: content.length, mode: 0o644 })) continue;
    const result = await analyzer.analyze({ path, size: content.length, mode: 0o644, content });
    if (result !== undefined) results.push(result);
  }
  return results;
}

async function osOf(path: string, text: string): Promise<OperatingSystem | undefined> {
  const results = await detect(path, text);
  assert.ok(results.length <= 1, `${path}: at most one analyzer answers`);
  return results[0]?.os;
}

/** Files of one image, bottom layer first, merged as the layer applier does. */
async function imageOs(files: [string, string][]): Promise<OperatingSystem | undefined> {
  const guesses: (OperatingSystem | undefined)[] = [];
  for (const [path, text] of files) for (const result of await detect(path, text)) guesses.push(result.os);
  return mergeOsGuesses(guesses);
}

describe('OS release files', () => {
  const osRelease = (id: string, versionId: string): string =>
    `NAME="Some Linux"\nID=${id}\nID_LIKE="rhel fedora"\nVERSION_ID="${versionId}"\nPRETTY_NAME="x"\n`;

  for (const [id, family, version] of [
    ['rhel', 'redhat', '9.3'],
    ['rocky', 'rocky', '9.3'],
    ['almalinux', 'alma', '9.3'],
    ['ol', 'oracle', '8.9'],
    ['fedora', 'fedora', '39'],
    ['sles', 'sles', '15.5'],
    ['opensuse-leap', 'opensuse-leap', '15.5'],
    ['opensuse', 'opensuse-leap', '15.1'],
    ['opensuse-tumbleweed', 'opensuse-tumbleweed', '20240101'],
    ['sle-micro', 'slem', '5.5'],
    ['sl-micro', 'slem', '6.0'],
    ['photon', 'photon', '5.0'],
    ['wolfi', 'wolfi', '20230201'],
    ['chainguard', 'chainguard', '20230214'],
    ['azurelinux', 'azurelinux', '3.0'],
    ['mariner', 'cbl-mariner', '2.0'],
  ] as const) {
    it(`os-release ID=${id} → ${family} ${version}`, async () => {
      assert.deepEqual(await osOf('etc/os-release', osRelease(id, version)), {
        Family: family,
        Name: version,
      });
      assert.deepEqual(await osOf('usr/lib/os-release', osRelease(id, version)), {
        Family: family,
        Name: version,
      });
    });
  }

  it('ignores os-release for Debian/Ubuntu, unknown IDs and files without VERSION_ID', async () => {
    assert.equal(await osOf('etc/os-release', osRelease('debian', '12')), undefined);
    assert.equal(await osOf('etc/os-release', osRelease('ubuntu', '22.04')), undefined);
    assert.equal(await osOf('etc/os-release', osRelease('plan9', '4')), undefined);
    assert.equal(await osOf('etc/os-release', 'ID=wolfi\nNAME="Wolfi"\n'), undefined);
    assert.equal(await osOf('etc/os-release', 'ID=photon # a comment\n'), undefined);
  });

  it('reads debian_version, lsb-release and alpine-release first lines', async () => {
    assert.deepEqual(await osOf('etc/debian_version', '12.5\n'), { Family: 'debian', Name: '12.5' });
    assert.deepEqual(
      await osOf('etc/lsb-release', 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\n'),
      {
        Family: 'ubuntu',
        Name: '22.04',
      },
    );
    assert.equal(await osOf('etc/lsb-release', 'DISTRIB_ID=LinuxMint\nDISTRIB_RELEASE=21\n'), undefined);
    assert.deepEqual(await osOf('etc/alpine-release', '3.19.1\n'), { Family: 'alpine', Name: '3.19.1' });
    assert.equal(await osOf('etc/alpine-release', '\n'), undefined);
  });

  it('reads Red Hat family release lines by file and by product name', async () => {
    const cases: [string, string, OperatingSystem][] = [
      [
        'etc/redhat-release',
        'Red Hat Enterprise Linux release 8.9 (Ootpa)',
        { Family: 'redhat', Name: '8.9' },
      ],
      ['etc/redhat-release', 'CentOS Linux release 7.9.2009 (Core)', { Family: 'centos', Name: '7.9.2009' }],
      ['etc/redhat-release', 'Rocky Linux release 9.3 (Blue Onyx)', { Family: 'rocky', Name: '9.3' }],
      ['etc/redhat-release', 'AlmaLinux release 9.3 (Shamrock Pampas Cat)', { Family: 'alma', Name: '9.3' }],
      ['etc/centos-release', 'CentOS Stream release 9', { Family: 'centos', Name: '9' }],
      ['etc/oracle-release', 'Oracle Linux Server release 8.9', { Family: 'oracle', Name: '8.9' }],
      ['etc/fedora-release', 'Fedora release 39 (Thirty Nine)', { Family: 'fedora', Name: '39' }],
      ['usr/lib/fedora-release', 'Fedora release 40 (Forty)', { Family: 'fedora', Name: '40' }],
    ];
    for (const [path, text, expected] of cases)
      assert.deepEqual(await osOf(path, `${text}\n`), expected, path);
    assert.equal(await osOf('etc/redhat-release', 'garbage'), undefined);
  });

  it('reads Amazon Linux system-release', async () => {
    assert.deepEqual(await osOf('etc/system-release', 'Amazon Linux release 2 (Karoo)\n'), {
      Family: 'amazon',
      Name: '2 (Karoo)',
    });
    assert.deepEqual(
      await osOf('etc/system-release', 'Amazon Linux release 2023.3.20240117 (Amazon Linux)\n'),
      {
        Family: 'amazon',
        Name: '2023.3.20240117 (Amazon Linux)',
      },
    );
    assert.deepEqual(await osOf('usr/lib/system-release', 'Amazon Linux AMI release 2018.03\n'), {
      Family: 'amazon',
      Name: 'AMI release 2018.03',
    });
    assert.equal(await osOf('etc/system-release', 'Fedora release 39\n'), undefined);
  });

  it('reads the Alpine repository branch: highest vX.Y, edge wins', async () => {
    const repo = async (text: string): Promise<unknown> =>
      (await detect('etc/apk/repositories', text))[0]?.repository;
    assert.deepEqual(
      await repo(
        'https://dl-cdn.alpinelinux.org/alpine/v3.18/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.19/community\n',
      ),
      { Family: 'alpine', Release: '3.19' },
    );
    assert.deepEqual(await repo('http://mirror/alpine/v3.9/main\nhttp://mirror/alpine/v3.10/main\n'), {
      Family: 'alpine',
      Release: '3.10',
    });
    assert.deepEqual(await repo('http://mirror/alpine/v3.19/main\nhttp://mirror/alpine/edge/testing\n'), {
      Family: 'alpine',
      Release: 'edge',
    });
    assert.equal(await repo('# http://mirror/alpine/v3.19/main\n/local/repo\n'), undefined);
  });

  it('reads the Ubuntu Pro ESM status and rejects broken JSON', async () => {
    const status = (state: string): string =>
      JSON.stringify({
        services: [
          { name: 'esm-apps', status: 'enabled' },
          { name: 'esm-infra', status: state },
        ],
      });
    assert.deepEqual(await osOf('var/lib/ubuntu-advantage/status.json', status('enabled')), {
      Family: 'ubuntu',
      Name: '',
      Extended: true,
    });
    assert.equal(await osOf('var/lib/ubuntu-advantage/status.json', status('disabled')), undefined);
    await assert.rejects(
      async () => osOf('var/lib/ubuntu-advantage/status.json', '{"services": ['),
      AnalyzerError,
    );
  });
});

describe('merging OS guesses', () => {
  it('lets Ubuntu override the Debian guess from debian_version, in either file order', async () => {
    const ubuntu: OperatingSystem = { Family: 'ubuntu', Name: '22.04' };
    const files: [string, string][] = [
      ['etc/debian_version', 'bookworm/sid\n'],
      ['etc/lsb-release', 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\n'],
    ];
    assert.deepEqual(await imageOs(files), ubuntu);
    assert.deepEqual(await imageOs([...files].reverse()), ubuntu);
  });

  it('keeps the release and ORs in ESM from another file', async () => {
    assert.deepEqual(
      await imageOs([
        ['etc/lsb-release', 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=16.04\n'],
        ['var/lib/ubuntu-advantage/status.json', '{"services":[{"name":"esm-infra","status":"enabled"}]}'],
      ]),
      { Family: 'ubuntu', Name: '16.04', Extended: true },
    );
  });

  it('never takes the Debian release as the name of an Ubuntu known only from its ESM status', async () => {
    assert.deepEqual(
      await imageOs([
        ['var/lib/ubuntu-advantage/status.json', '{"services":[{"name":"esm-infra","status":"enabled"}]}'],
        ['etc/debian_version', 'buster/sid\n'],
        ['etc/lsb-release', 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=18.04\n'],
      ]),
      { Family: 'ubuntu', Name: '18.04', Extended: true },
    );
  });

  it('detects a distroless image as Debian: its os-release says debian, which is not used', async () => {
    assert.deepEqual(
      await imageOs([
        ['etc/os-release', 'PRETTY_NAME="Distroless"\nID=debian\nVERSION_ID="12"\n'],
        ['etc/debian_version', '12.5\n'],
      ]),
      { Family: 'debian', Name: '12.5' },
    );
  });

  it('lets Oracle and CentOS override a Red Hat guess, but not the other way round', async () => {
    assert.deepEqual(
      await imageOs([
        ['etc/redhat-release', 'Red Hat Enterprise Linux Server release 7.9 (Maipo)\n'],
        ['etc/oracle-release', 'Oracle Linux Server release 7.9\n'],
      ]),
      { Family: 'oracle', Name: '7.9' },
    );
    assert.deepEqual(
      await imageOs([
        ['etc/centos-release', 'CentOS Linux release 7.9.2009 (Core)\n'],
        ['etc/redhat-release', 'Red Hat Enterprise Linux Server release 7.9 (Maipo)\n'],
      ]),
      { Family: 'centos', Name: '7.9.2009' },
    );
  });

  it('takes a newer Debian release from an upper layer', async () => {
    assert.deepEqual(
      await imageOs([
        ['etc/debian_version', '12.4\n'],
        ['etc/debian_version', '12.5\n'],
      ]),
      { Family: 'debian', Name: '12.5' },
    );
    assert.equal(mergeOsGuesses([]), undefined);
    assert.equal(mergeOsGuesses([undefined, { Family: '', Name: '' }]), undefined);
  });
});
