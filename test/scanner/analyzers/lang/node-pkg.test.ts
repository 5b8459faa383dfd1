import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { nodePackageAnalyzer } from '../../../../src/scanner/analyzers/lang/node-pkg.ts';
import { AnalyzerError, type AnalysisInput } from '../../../../src/scanner/analyzers/types.ts';

const repoRoot = new URL('../../../../', import.meta.url);

function input(path: string, content: string | Buffer): AnalysisInput {
  const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { path, content: buffer, size: buffer.length, mode: 0o644 };
}

// Real packages installed from the npm registry into this repository; package-lock.json is the independent record.
const lock = JSON.parse(await readFile(new URL('package-lock.json', repoRoot), 'utf8')) as {
  packages: Record<string, { version: string; license?: string }>;
};

describe('node-pkg analyzer', () => {
  it('wants every package.json and nothing else', () => {
    const wants = (path: string) => nodePackageAnalyzer.required({ path, size: 1, mode: 0o644 });
    assert.equal(wants('usr/lib/node_modules/npm/package.json'), true);
    assert.equal(wants('app/package.json'), true);
    assert.equal(wants('app/package-lock.json'), false);
    assert.equal(wants('app/not-package.json'), false);
  });

  for (const [dir, expectedPurlName] of [
    ['node_modules/commander', 'pkg:npm/commander'],
    ['node_modules/@kubernetes/client-node', 'pkg:npm/%40kubernetes/client-node'],
    ['node_modules/packageurl-js', 'pkg:npm/packageurl-js'],
  ] as const) {
    it(`reads the installed ${dir}`, async () => {
      const path = `${dir}/package.json`;
      const result = await nodePackageAnalyzer.analyze(input(path, await readFile(new URL(path, repoRoot))));
      const locked = lock.packages[dir];
      assert.ok(locked, `${dir} in package-lock.json`);
      const application = result?.applications?.[0];
      assert.equal(application?.Type, 'node-pkg');
      const pkg = application?.Packages[0];
      const name = dir.slice('node_modules/'.length);
      assert.equal(pkg?.Name, name);
      assert.equal(pkg?.Version, locked.version);
      assert.equal(pkg?.ID, `${name}@${locked.version}`);
      assert.equal(pkg?.FilePath, path);
      assert.equal(pkg?.Identifier?.PURL, `${expectedPurlName}@${locked.version}`);
      if (locked.license) assert.deepEqual(pkg?.Licenses, [locked.license]);
    });
  }

  it('reads licences in the object and legacy array forms', async () => {
    const result = await nodePackageAnalyzer.analyze(
      input(
        'node_modules/old/package.json',
        JSON.stringify({ name: 'old', version: '0.1.0', licenses: [{ type: 'MIT' }, 'Apache-2.0'] }),
      ),
    );
    assert.deepEqual(result?.applications?.[0]?.Packages[0]?.Licenses, ['MIT', 'Apache-2.0']);
    const objectForm = await nodePackageAnalyzer.analyze(
      input(
        'node_modules/x/package.json',
        JSON.stringify({ name: 'x', version: '1.0.0', license: { type: 'ISC' } }),
      ),
    );
    assert.deepEqual(objectForm?.applications?.[0]?.Packages[0]?.Licenses, ['ISC']);
  });

  it('skips manifests without a name or a version (workspace roots, apps)', async () => {
    assert.equal(await nodePackageAnalyzer.analyze(input('app/package.json', '{"name":"app"}')), undefined);
    assert.equal(
      await nodePackageAnalyzer.analyze(input('app/package.json', '{"version":"1.0.0"}')),
      undefined,
    );
    assert.equal(await nodePackageAnalyzer.analyze(input('app/package.json', '[1,2]')), undefined);
  });

  it('reports malformed JSON as an AnalyzerError naming the file', async () => {
    await assert.rejects(
      async () => nodePackageAnalyzer.analyze(input('node_modules/bad/package.json', '{"name": "bad",')),
      (error: unknown) =>
        error instanceof AnalyzerError && error.message.includes('node_modules/bad/package.json'),
    );
  });
});
