import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import fc from 'fast-check';
import {
  goBinaryAnalyzer,
  readGoBuildInfo,
  stdlibVersion,
  versionFromLdflags,
} from '../../../../src/scanner/analyzers/lang/gobinary.ts';
import { baseAddress, buildElf64 } from '../../../support/elf-builder.ts';

const run = promisify(execFile);
const magic = Buffer.from('\xff Go buildinf:', 'latin1');
const sentinelStart = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const sentinelEnd = Buffer.from('f932433186182072008242104116d8f2', 'hex');

function varintString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const prefix: number[] = [];
  let length = bytes.length;
  do {
    prefix.push((length & 0x7f) | (length >= 0x80 ? 0x80 : 0));
    length >>>= 7;
  } while (length > 0);
  return Buffer.concat([Buffer.from(prefix), bytes]);
}

function inlineBuildInfo(goVersion: string, modInfo: string): Buffer {
  const header = Buffer.alloc(32);
  magic.copy(header);
  header[14] = 8;
  header[15] = 0x2;
  const wrapped = Buffer.concat([sentinelStart, Buffer.from(modInfo), sentinelEnd]).toString('latin1');
  return Buffer.concat([
    header,
    varintString(goVersion),
    varintString(Buffer.from(wrapped, 'latin1').toString()),
  ]);
}

const modInfo = [
  'path\texample.com/app/cmd/app',
  'mod\texample.com/app\t(devel)\t',
  'dep\tgithub.com/gorilla/mux\tv1.8.0\th1:abc=',
  'dep\tgolang.org/x/net\tv0.1.0\th1:def=',
  '=>\tgolang.org/x/net\tv0.17.0\th1:ghi=',
  'dep\texample.com/local\tv1.0.0\t',
  '=>\t../local\t\t',
  'build\t-ldflags="-s -w -X \'main.version=2.4.1\'"',
  '',
].join('\n');

describe('gobinary analyzer', () => {
  it('decodes Go ≥ 1.18 inline build info: replacements, ldflags version, stdlib', async () => {
    const { image } = buildElf64([
      { name: '.go.buildinfo', data: inlineBuildInfo('go1.21.5 X:boringcrypto', modInfo) },
    ]);
    const result = await goBinaryAnalyzer.analyze({
      path: 'usr/bin/app',
      content: image,
      size: image.length,
      mode: 0o755,
    });
    const packages = result?.applications?.[0]?.Packages.map((pkg) => pkg.ID);
    assert.deepEqual(packages, [
      'example.com/app@v2.4.1',
      'github.com/gorilla/mux@v1.8.0',
      'golang.org/x/net@v0.17.0',
      'example.com/local@v1.0.0',
      'stdlib@v1.21.5',
    ]);
    assert.equal(
      result?.applications?.[0]?.Packages[1]?.Identifier?.PURL,
      'pkg:golang/github.com/gorilla/mux@v1.8.0',
    );
  });

  it('follows the pointers of the pre-1.18 format through the ELF segment map', () => {
    const versionText = Buffer.from('go1.16.15');
    const modText = Buffer.concat([
      sentinelStart,
      Buffer.from('path\tx\nmod\texample.com/old\tv0.3.0\t\n'),
      sentinelEnd,
    ]);
    // Layout inside the section: header (32) | version string header (16) | mod string header (16) | bytes.
    const section = Buffer.alloc(32 + 32 + versionText.length + modText.length);
    const { offsets } = buildElf64([{ name: '.go.buildinfo', data: section }]);
    const base = baseAddress + (offsets.get('.go.buildinfo') ?? 0);
    magic.copy(section);
    section[14] = 8;
    section[15] = 0;
    section.writeBigUInt64LE(BigInt(base + 32), 16);
    section.writeBigUInt64LE(BigInt(base + 48), 24);
    section.writeBigUInt64LE(BigInt(base + 64), 32);
    section.writeBigUInt64LE(BigInt(versionText.length), 40);
    section.writeBigUInt64LE(BigInt(base + 64 + versionText.length), 48);
    section.writeBigUInt64LE(BigInt(modText.length), 56);
    versionText.copy(section, 64);
    modText.copy(section, 64 + versionText.length);
    const { image } = buildElf64([{ name: '.go.buildinfo', data: section }]);
    const info = readGoBuildInfo(image);
    assert.equal(info?.goVersion, 'go1.16.15');
    assert.deepEqual(info?.main, { path: 'example.com/old', version: 'v0.3.0' });
  });

  // Real Go binaries on this machine, built by others; their own --version output is the independent record.
  it('reads kubectl: module dependencies and the Go toolchain it reports itself', async () => {
    const { stdout } = await run('kubectl', ['version', '--client', '-o', 'json']);
    const reported = (JSON.parse(stdout) as { clientVersion: { goVersion: string } }).clientVersion.goVersion;
    const content = await readFile('/usr/bin/kubectl');
    const result = await goBinaryAnalyzer.analyze({
      path: 'usr/bin/kubectl',
      content,
      size: content.length,
      mode: 0o755,
    });
    const packages = result?.applications?.[0]?.Packages ?? [];
    assert.equal(packages.at(-1)?.ID, `stdlib@${stdlibVersion(reported)}`);
    assert.ok(packages.some((pkg) => pkg.Name === 'github.com/spf13/cobra' && /^v\d/.test(pkg.Version)));
    assert.ok(packages.length > 30, `only ${packages.length} packages`);
  });

  it('reads etcd (Debian build without module info): stdlib only', async () => {
    const { stdout } = await run('etcd', ['--version']);
    const goVersion = /Go Version: (\S+)/.exec(stdout)?.[1];
    assert.ok(goVersion, stdout);
    const content = await readFile('/usr/bin/etcd');
    const info = readGoBuildInfo(content);
    assert.equal(info?.goVersion.split(' ')[0], goVersion);
  });

  it('ignores executables that are not Go binaries', async () => {
    const content = await readFile('/bin/sh');
    assert.equal(
      await goBinaryAnalyzer.analyze({ path: 'bin/sh', content, size: content.length, mode: 0o755 }),
      undefined,
    );
  });

  it('reads versions from -X flags only for version-like variables', () => {
    assert.equal(versionFromLdflags('-s -w -X main.version=1.2.3'), 'v1.2.3');
    assert.equal(versionFromLdflags('"-X \\"github.com/x/y/version.Version=28.2.2\\""'), 'v28.2.2');
    assert.equal(versionFromLdflags('-X main.commit=abc123 -X main.date=2024'), undefined);
    assert.equal(versionFromLdflags('-X main.version=dev'), undefined);
  });

  it('never throws or reads out of bounds on arbitrary bytes around the magic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(64), (tail, pad) => {
        const blob = Buffer.concat([Buffer.alloc(pad * 16), magic, Buffer.from(tail)]);
        readGoBuildInfo(blob);
        readGoBuildInfo(
          buildElf64([{ name: '.go.buildinfo', data: Buffer.concat([magic, Buffer.from(tail)]) }]).image,
        );
      }),
      { numRuns: 2000 },
    );
  });
});
