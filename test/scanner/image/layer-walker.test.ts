import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buffer } from 'node:stream/consumers';
import tar from 'tar-stream';
import { nodePackageAnalyzer } from '../../../src/scanner/analyzers/lang/node-pkg.ts';
import { pythonPackageAnalyzer } from '../../../src/scanner/analyzers/lang/python-pkg.ts';
import {
  cleanPath,
  LayerError,
  walkLayer,
  type LayerWarning,
} from '../../../src/scanner/image/layer-walker.ts';
import { SecretScanner } from '../../../src/scanner/secrets/scanner.ts';
import { writeTree } from '../../support/files.ts';

const run = promisify(execFile);
const analyzers = [nodePackageAnalyzer, pythonPackageAnalyzer];
const packageJson = (name: string, version: string) => JSON.stringify({ name, version, license: 'MIT' });

describe('layer walker', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-layer-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** A layer made by GNU tar from a directory tree, as image builders do. */
  async function gnuTarLayer(
    name: string,
    files: Record<string, string>,
    compress: string[] = [],
  ): Promise<string> {
    const root = join(scratch, `${name}.d`);
    await writeTree(root, files);
    const output = join(scratch, name);
    await run('tar', ['-c', '-f', output, ...compress, '-C', root, '.']);
    return output;
  }

  const tree = {
    'usr/lib/node_modules/npm/package.json': packageJson('npm', '9.6.7'),
    'app/node_modules/lodash/package.json': packageJson('lodash', '4.17.20'),
    'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA': 'Name: six\nVersion: 1.16.0\n',
    'etc/hostname': 'nothing to analyze',
  };

  for (const [label, flags] of [
    ['plain tar', []],
    ['gzip', ['-z']],
    ['zstd', ['--zstd']],
  ] as const) {
    it(`reads a ${label} layer written by GNU tar`, async () => {
      const layer = await gnuTarLayer(`layer-${label}.tar`, tree, [...flags]);
      const result = await walkLayer(createReadStream(layer), { analyzers, diffId: 'sha256:aa' });
      const ids = result.Applications.flatMap((app) =>
        app.Packages.map((pkg) => `${app.Type}:${pkg.ID}:${pkg.FilePath}`),
      );
      assert.deepEqual(ids.sort(), [
        'node-pkg:lodash@4.17.20:app/node_modules/lodash/package.json',
        'node-pkg:npm@9.6.7:usr/lib/node_modules/npm/package.json',
        'python-pkg:six@1.16.0:usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA',
      ]);
      assert.equal(result.DiffID, 'sha256:aa');
    });
  }

  it('records whiteouts and opaque directories without analyzing them', async () => {
    const layer = await gnuTarLayer('whiteouts.tar', {
      'app/node_modules/.wh.lodash': '',
      'opt/cache/.wh..wh..opq': '',
      '.wh.top-level-file': '',
    });
    const result = await walkLayer(createReadStream(layer), { analyzers, diffId: 'sha256:bb' });
    assert.deepEqual(result.WhiteoutFiles.sort(), ['app/node_modules/lodash', 'top-level-file']);
    assert.deepEqual(result.OpaqueDirs, ['opt/cache']);
  });

  it('skips hostile entries with a warning and goes on: traversal, absolute paths, links', async () => {
    const pack = tar.pack();
    pack.entry({ name: '../../etc/evil/package.json' }, packageJson('evil', '1.0.0'));
    pack.entry({ name: '/abs/node_modules/abs/package.json' }, packageJson('abs', '1.0.0'));
    pack.entry({ name: 'app/link/package.json', type: 'symlink', linkname: '/etc/shadow' });
    pack.entry({ name: 'app/hard/package.json', type: 'link', linkname: '../../../etc/passwd' });
    pack.entry({ name: 'app/loop', type: 'symlink', linkname: 'app/loop' });
    pack.entry({ name: 'app/ok/package.json' }, packageJson('ok', '2.0.0'));
    pack.finalize();
    const warnings: LayerWarning[] = [];
    const result = await walkLayer(Readable.from(pack as AsyncIterable<Buffer>), {
      analyzers,
      diffId: 'sha256:cc',
      onWarning: (warning) => warnings.push(warning),
    });
    const ids = result.Applications.flatMap((app) => app.Packages.map((pkg) => `${pkg.ID} ${pkg.FilePath}`));
    // An absolute path is relative to the image root, as a container runtime unpacks it.
    assert.deepEqual(ids.sort(), [
      'abs@1.0.0 abs/node_modules/abs/package.json',
      'ok@2.0.0 app/ok/package.json',
    ]);
    assert.deepEqual(
      warnings.map((warning) => warning.path),
      ['../../etc/evil/package.json'],
    );
  });

  it('reports a malformed file as a warning and keeps the rest', async () => {
    const layer = await gnuTarLayer('malformed.tar', {
      'a/package.json': '{"name": ',
      'b/package.json': packageJson('b', '1.0.0'),
    });
    const warnings: LayerWarning[] = [];
    const result = await walkLayer(createReadStream(layer), {
      analyzers,
      diffId: 'sha256:dd',
      onWarning: (warning) => warnings.push(warning),
    });
    assert.deepEqual(
      result.Applications.flatMap((app) => app.Packages.map((pkg) => pkg.ID)),
      ['b@1.0.0'],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /node-pkg: a\/package.json: invalid JSON/);
  });

  it('fails with a LayerError on a truncated layer', async () => {
    const layer = await gnuTarLayer('truncated.tar.gz', { ...tree, 'big/file.bin': 'x'.repeat(200_000) }, [
      '-z',
    ]);
    await truncate(layer, Math.floor((await stat(layer)).size / 2));
    await assert.rejects(walkLayer(createReadStream(layer), { analyzers, diffId: 'sha256:ee' }), LayerError);
  });

  /** A tar whose last entry (a package.json, not a multiple of 512 bytes) ends the file: no padding, no end marker. */
  async function unterminatedTar(name: string, cut: number): Promise<Buffer> {
    const lastName = 'app/node_modules/zeta/package.json';
    const last = packageJson('zeta', '2.0.0');
    const layer = await gnuTarLayer(name, { ...tree, [lastName]: last });
    // GNU tar orders entries by directory listing; rebuild with zeta last, as umoci's writer did in the wild.
    await run('tar', ['-c', '-f', layer, '-C', join(scratch, `${name}.d`), '--exclude', lastName, '.']);
    await run('tar', ['-r', '-f', layer, '-C', join(scratch, `${name}.d`), lastName]);
    const bytes = await readFile(layer);
    const header = bytes.indexOf(Buffer.from(lastName));
    assert.ok(header > 0);
    return bytes.subarray(0, header + 512 + Buffer.byteLength(last) - cut);
  }

  it('reads a layer that stops right after its last entry (no padding or end-of-archive, as old umoci writes)', async () => {
    const bytes = await unterminatedTar('unterminated.tar', 0);
    assert.notEqual(bytes.length % 512, 0);
    const warnings: LayerWarning[] = [];
    const result = await walkLayer(Readable.from([gzipSync(bytes)]), {
      analyzers,
      diffId: 'sha256:e1',
      onWarning: (warning) => warnings.push(warning),
    });
    assert.ok(
      result.Applications.some((app) => app.Packages.some((pkg) => pkg.ID === 'zeta@2.0.0')),
      'the last entry is analyzed',
    );
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]?.message ?? '',
      /stops without padding or an end-of-archive marker \(\d+ bytes short of a block\)/,
    );
  });

  it('still fails when the last entry itself is cut short', async () => {
    const bytes = await unterminatedTar('cut-entry.tar', 10);
    await assert.rejects(
      walkLayer(Readable.from([bytes]), { analyzers, diffId: 'sha256:e2', onWarning: () => {} }),
      (error: unknown) =>
        error instanceof LayerError && /is truncated: its last entry needs 10 more bytes/.test(error.message),
    );
  });

  it('streams big files only the secret scanner wants, and keeps walking after a binary one', async () => {
    const pack = tar.pack();
    const packed = buffer(pack);
    const binary = Buffer.alloc(3 * 1024 * 1024);
    binary.write('\u007fELF', 0, 'latin1');
    pack.entry({ name: 'usr/bin/big-tool' }, binary);
    const text = `${'filler line\n'.repeat(200_000)}AWS_ACCESS_KEY_ID=AKIAZ3MSJV4WQNSALJP3\n`;
    pack.entry({ name: 'etc/big.conf' }, Buffer.from(text));
    pack.entry({ name: 'app/node_modules/after/package.json' }, packageJson('after', '1.0.0'));
    pack.finalize();
    const result = await walkLayer(Readable.from([gzipSync(await packed)]), {
      analyzers,
      diffId: 'sha256:e3',
      secrets: new SecretScanner(),
    });
    assert.deepEqual(
      result.Secrets.map((file) => [file.FilePath, file.Findings.map((f) => [f.RuleID, f.StartLine])]),
      [['/etc/big.conf', [['aws-access-key-id', 200_001]]]],
    );
    assert.deepEqual(
      result.Applications.flatMap((app) => app.Packages.map((pkg) => pkg.ID)),
      ['after@1.0.0'],
    );
  });

  it('stops a decompression bomb at the layer limit', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    await assert.rejects(
      walkLayer(Readable.from([bomb]), {
        analyzers,
        diffId: 'sha256:ff',
        limits: { maxLayerBytes: 8 * 1024 * 1024 },
      }),
      (error: unknown) => error instanceof LayerError && /decompression bomb/.test(error.hint ?? ''),
    );
  });

  it('skips files over the analysis size limit', async () => {
    const layer = await gnuTarLayer('large.tar', {
      'big/package.json': ' '.repeat(4096) + packageJson('big', '1.0.0'),
    });
    const warnings: LayerWarning[] = [];
    const result = await walkLayer(createReadStream(layer), {
      analyzers,
      diffId: 'sha256:11',
      limits: { maxFileBytes: 1024 },
      onWarning: (warning) => warnings.push(warning),
    });
    assert.equal(result.Applications.length, 0);
    assert.match(warnings[0]?.message ?? '', /over the 1024-byte analysis limit/);
  });

  it('rejects data that is not a tar archive', async () => {
    await assert.rejects(
      walkLayer(Readable.from([Buffer.from(await readFile(new URL(import.meta.url)))]), {
        analyzers,
        diffId: 'sha256:22',
      }),
      LayerError,
    );
  });

  it('cleans paths the way Trivy keys them', () => {
    assert.equal(cleanPath('./usr//lib/../bin/x'), 'usr/bin/x');
    assert.equal(cleanPath('/etc/os-release'), 'etc/os-release');
    assert.equal(cleanPath('a/../../b'), undefined);
    assert.equal(cleanPath('./'), '');
  });
});
