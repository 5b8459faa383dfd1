import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { rustBinaryAnalyzer } from '../../../../src/scanner/analyzers/lang/rustbinary.ts';
import { AnalyzerError } from '../../../../src/scanner/analyzers/types.ts';

const run = promisify(execFile);

const auditData = {
  packages: [
    { name: 'app', version: '0.1.0', source: 'local', dependencies: [1, 2, 3], root: true },
    { name: 'serde', version: '1.0.193', source: 'crates.io' },
    { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    { name: 'time', version: '0.3.30', source: 'crates.io', kind: 'runtime', dependencies: [1] },
  ],
};

describe('rustbinary analyzer', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-rust-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  // binutils' objcopy adds the section to a real executable, as cargo-auditable's linker step does.
  async function auditableBinary(payload: Buffer): Promise<Buffer> {
    const data = join(scratch, `dep-${Math.random()}`);
    const binary = join(scratch, `bin-${Math.random()}`);
    await writeFile(data, payload);
    await run('objcopy', ['--add-section', `.dep-v0=${data}`, '/bin/true', binary]);
    return readFile(binary);
  }

  it('reports runtime crates with their dependency edges, skipping build-only crates', async () => {
    const content = await auditableBinary(deflateSync(JSON.stringify(auditData)));
    const result = await rustBinaryAnalyzer.analyze({
      path: 'usr/local/bin/app',
      content,
      size: content.length,
      mode: 0o755,
    });
    const packages = result?.applications?.[0]?.Packages ?? [];
    assert.equal(result?.applications?.[0]?.Type, 'rustbinary');
    assert.deepEqual(
      packages.map((pkg) => [pkg.ID, pkg.DependsOn]),
      [
        ['app@0.1.0', ['serde@1.0.193', 'time@0.3.30']],
        ['serde@1.0.193', undefined],
        ['time@0.3.30', ['serde@1.0.193']],
      ],
    );
    assert.equal(packages[1]?.Identifier?.PURL, 'pkg:cargo/serde@1.0.193');
  });

  it('ignores executables without audit data', async () => {
    const content = await readFile('/bin/true');
    assert.equal(
      await rustBinaryAnalyzer.analyze({ path: 'bin/true', content, size: content.length, mode: 0o755 }),
      undefined,
    );
  });

  it('reports corrupt or oversized audit data as an AnalyzerError', async () => {
    for (const payload of [Buffer.from('not zlib'), deflateSync(Buffer.alloc(16 * 1024 * 1024, 0x20))]) {
      const content = await auditableBinary(payload);
      await assert.rejects(
        async () => rustBinaryAnalyzer.analyze({ path: 'bin/x', content, size: content.length, mode: 0o755 }),
        AnalyzerError,
      );
    }
  });
});
