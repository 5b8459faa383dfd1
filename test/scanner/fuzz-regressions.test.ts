import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { analyzers } from '../../src/scanner/analyzers/registry.ts';
import { LayerError, walkLayer } from '../../src/scanner/image/layer-walker.ts';
import { TarIndexError, indexTar } from '../../src/scanner/image/tar-index.ts';
import { layerSeeds } from '../../fuzz/layer-seeds.ts';
import { parserTargets, type ParserTarget } from '../../fuzz/parser-targets.ts';

/**
 * The fuzz campaign (`fuzz/scanner-parsers.fuzz.ts`, a million inputs per target) in miniature: every target
 * replayed for a few hundred inputs with a fixed seed, plus the hostile layer and archive shapes that the
 * campaign's contract is about, pinned as explicit cases. Any input the campaign finds failing is added here.
 */
const walk = (bytes: Buffer, limits = {}) =>
  walkLayer(Readable.from([bytes], { objectMode: false }), {
    analyzers,
    diffId: 'sha256:regression',
    limits,
  });

describe('scanner parser fuzz regressions', () => {
  let scratch: string;
  let targets: ParserTarget[];

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-fuzz-regressions-'));
    targets = await parserTargets(join(scratch, 'archive.tar'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('every target keeps its contract on a seeded sample of inputs', async () => {
    assert.ok(targets.length >= 10, 'all parser targets are registered');
    for (const target of targets) {
      // Layers are the slow target (a real stream pipeline per input); the others are pure parsing.
      const numRuns = target.name === 'layer-walker' || target.name === 'tar-index' ? 150 : 400;
      await fc.assert(
        fc.asyncProperty(target.inputs, async (input) => {
          const problem = await target.check(input);
          assert.equal(problem, undefined, `${target.name}: ${problem}`);
        }),
        { numRuns, seed: 20261122 },
      );
    }
  });

  it('the seed layer is readable in every compression, so mutations start from valid input', async () => {
    const seeds = await layerSeeds();
    for (const bytes of [seeds.tar, seeds.gzip, seeds.zstd]) {
      const result = await walk(bytes);
      assert.equal(result.OS?.Family, 'debian');
      assert.deepEqual(result.OpaqueDirs, ['opt/app']);
      assert.deepEqual(result.WhiteoutFiles, ['usr/share/doc']);
      assert.ok(result.Applications.some((app) => app.Packages.some((pkg) => pkg.Name === 'lodash')));
    }
  });

  it('empty, one-byte and truncated layers resolve empty or reject with LayerError', async () => {
    const seeds = await layerSeeds();
    const empty = await walk(Buffer.alloc(0));
    assert.equal(empty.PackageInfos.length, 0);
    await assert.rejects(walk(Buffer.from([0x1f])), LayerError);
    await assert.rejects(walk(seeds.gzip.subarray(0, seeds.gzip.length >> 1)), LayerError);
    await assert.rejects(walk(seeds.tar.subarray(0, 1000)), LayerError);
  });

  it('a decompression bomb stops at the layer limit with LayerError', async () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    await assert.rejects(walk(bomb, { maxLayerBytes: 1024 * 1024 }), LayerError);
  });

  it('an archive whose header checksum, size or PAX size is damaged fails with TarIndexError', async () => {
    const { tar } = await layerSeeds();
    const file = join(scratch, 'damaged.tar');
    const cases: [string, (bytes: Buffer) => void][] = [
      ['checksum', (bytes) => bytes.write('0000000\0', 148, 'latin1')],
      ['size past the end', (bytes) => writeSizeField(bytes, '77777777777')],
      ['base-256 size', (bytes) => writeBase256Size(bytes)],
    ];
    for (const [name, damage] of cases) {
      const bytes = Buffer.from(tar);
      damage(bytes);
      await writeFile(file, bytes);
      await assert.rejects(indexTar(file), TarIndexError, name);
    }
    // A PAX record whose size is not a number.
    const pax = paxHeader('size', 'not-a-number');
    await writeFile(file, Buffer.concat([pax, tar]));
    await assert.rejects(indexTar(file), TarIndexError, 'PAX size');
  });
});

/** Rewrites the first header's size field and fixes its checksum, so only the size is wrong. */
function writeSizeField(bytes: Buffer, octal: string): void {
  bytes.write(`${octal}\0`, 124, 'latin1');
  fixChecksum(bytes, 0);
}

function writeBase256Size(bytes: Buffer): void {
  bytes.fill(0xff, 124, 136);
  fixChecksum(bytes, 0);
}

function fixChecksum(bytes: Buffer, at: number): void {
  bytes.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + 512; i++) sum += bytes[i] ?? 0;
  bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
}

function paxHeader(key: string, value: string): Buffer {
  let record = ` ${key}=${value}\n`;
  let length = record.length;
  while (`${length}${record}`.length !== length) length = `${length}${record}`.length;
  record = `${length}${record}`;
  const header = Buffer.alloc(512);
  header.write('PaxHeader', 0, 'latin1');
  header.write('0000644\0', 100, 'latin1');
  header.write(`${record.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  header.write('x', 156, 'latin1');
  header.write('ustar\0', 257, 'latin1');
  header.write('00', 263, 'latin1');
  fixChecksum(header, 0);
  const body = Buffer.alloc(512);
  body.write(record, 0, 'latin1');
  return Buffer.concat([header, body]);
}
